package studio

import "testing"

func TestCanMove(t *testing.T) {
	owner, assistant := Principal{User: User{Role: Owner}}, Principal{User: User{Role: Assistant}}
	for _, to := range CommissionStatuses {
		if owner.CanMove(to) != nil {
			t.Errorf("the owner may not move to %s", to)
		}
		if err := assistant.CanMove(to); (err != nil) != (to == Quoted) || (err != nil && ErrorCode(err) != Forbidden) {
			t.Errorf("an assistant moving to %s: %v", to, err)
		}
	}
}
