package studio

import "time"

// MakingOfConsent is what decides whether a piece's making-of may be
// shown to the public: whether the piece was commissioned, and if so
// whether its client agreed in the questionnaire to the making being
// shown. A piece made for no client (one of an edition, a piece of the
// studio's own) is the artist's to show: PRODUCT.md asks for the client's
// consent for commissions only.
type MakingOfConsent struct {
	Commissioned bool
	Consented    bool
}

// Given reports whether the making-of may be public.
func (c MakingOfConsent) Given() bool { return !c.Commissioned || c.Consented }

// Refusal says in words why the making-of may not be published, or ""
// when it may.
func (c MakingOfConsent) Refusal() string {
	if c.Given() {
		return ""
	}
	return "The client did not agree in the questionnaire to the making being shown publicly, so the making-of stays private."
}

// CheckPublishMakingOf refuses publishing without the consent, as a
// conflict: the request is well formed, the piece's state forbids it.
// Withdrawing is always allowed, so a withdrawal passes unchecked.
func CheckPublishMakingOf(publish bool, c MakingOfConsent) error {
	if !publish || c.Given() {
		return nil
	}
	return Errorf(Conflict, "%s", c.Refusal())
}

// MakingOfPublic reports whether the public page exists: published, and
// the consent still holds. A client who withdraws their consent after
// publishing takes the page down at once, whatever the artist did.
func MakingOfPublic(publishedAt *time.Time, c MakingOfConsent) bool {
	return publishedAt != nil && c.Given()
}

// MakingOfVideoPublic reports whether the time-lapse may show on the
// public page: it is made from every process photo of the piece, for the
// studio's own use, so it goes public only when none of them is kept from
// sharing (unshared counts those). Otherwise the page shows the shared
// photos alone and no video.
func MakingOfVideoPublic(unshared int) bool { return unshared == 0 }
