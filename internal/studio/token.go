package studio

import "time"

// Token is an API token as the studio sees it: never the secret itself,
// which is shown once when it is made and stored only as a hash.
type Token struct {
	ID         string
	StudioID   string
	UserID     string
	UserEmail  string
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Principal is who makes a request: a user of a studio, through a token.
type Principal struct {
	User    User
	Studio  Studio
	TokenID string
}

// CanManage reports whether p may manage users, tokens, prices, keys and
// studio settings: only owners may.
func (p Principal) CanManage() error {
	if p.User.Role != Owner {
		return Errorf(Forbidden, "Only the studio's owner may do this.")
	}
	return nil
}

// CanMove reports whether p may move a commission to status to. Anyone of
// the studio moves work along, but prices are the owner's: an assistant
// may not quote one.
func (p Principal) CanMove(to CommissionStatus) error {
	if to == Quoted && p.User.Role != Owner {
		return Errorf(Forbidden, "Only the studio's owner may quote a price.")
	}
	return nil
}
