package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"atelier/internal/store"
	"atelier/internal/studio"
)

func studioCreate(ctx context.Context, args []string, e env) error {
	var c config
	fs := newFlags("studio create", e, &c)
	slug := fs.String("slug", "", "URL name of the studio (lower-case letters, digits, hyphens)")
	name := fs.String("name", "", "the studio's name")
	artist := fs.String("artist", "", "the artist's name, as printed on certificates")
	currency := fs.String("currency", "EUR", "ISO 4217 currency code")
	tz := fs.String("timezone", "UTC", "IANA time zone")
	units := fs.String("units", "metric", "metric or imperial")
	temp := fs.String("temperature", "C", "temperatures shown in C or F")
	if err := parse(fs, args, e, &c); err != nil {
		return err
	}
	if err := require(fs, e, "slug", "name", "artist"); err != nil {
		return err
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	s := studio.NewStudio(*slug, *name, *artist)
	s.Currency, s.Timezone, s.Units = strings.TrimSpace(*currency), strings.TrimSpace(*tz), studio.Units(*units)
	s.TemperatureUnit = studio.TemperatureUnit(strings.ToUpper(strings.TrimSpace(*temp)))
	created, err := st.CreateStudio(ctx, s)
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(e.stdout, "created studio %s (%s)\n", created.Slug, created.Name)
	return nil
}

func userAdd(ctx context.Context, args []string, e env) error {
	var c config
	fs := newFlags("user add", e, &c)
	slug := fs.String("studio", "", "slug of the user's studio")
	email := fs.String("email", "", "e-mail address (identifies the user in the whole install)")
	name := fs.String("name", "", "the user's name")
	role := fs.String("role", "", "owner or assistant")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parse(fs, args, e, &c); err != nil {
		return err
	}
	if err := require(fs, e, "studio", "email", "name", "role"); err != nil {
		return err
	}
	if !*pwStdin {
		fmt.Fprintln(e.stderr, "user add: --password-stdin is required (passwords are never taken as arguments)")
		return errUsage
	}
	pw, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && pw == "" {
		return errors.New("user add: no password on standard input")
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, studio.NewUser{StudioSlug: *slug, Email: *email, Name: *name,
		Role: studio.Role(*role), Password: strings.TrimRight(pw, "\r\n")})
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(e.stdout, "added %s %s to %s\n", u.Role, u.Email, *slug)
	return nil
}

func tokenCreate(ctx context.Context, args []string, e env) error {
	var c config
	fs := newFlags("token create", e, &c)
	email := fs.String("email", "", "e-mail address of the user the token acts as")
	name := fs.String("name", "", "a label for the token, such as the integration it is for")
	if err := parse(fs, args, e, &c); err != nil {
		return err
	}
	if err := require(fs, e, "email"); err != nil {
		return err
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	secret, _, err := st.CreateToken(ctx, store.NewToken{Email: *email, Name: *name})
	if err != nil {
		return explain(err)
	}
	// The token alone on stdout, so that scripts can capture it.
	fmt.Fprintln(e.stdout, secret)
	return nil
}

func tokenRevoke(ctx context.Context, args []string, e env) error {
	var c config
	fs := newFlags("token revoke", e, &c)
	token := fs.String("token", "", "the token to revoke")
	if err := parse(fs, args, e, &c); err != nil {
		return err
	}
	if err := require(fs, e, "token"); err != nil {
		return err
	}
	st, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := st.RevokeToken(ctx, *token)
	if err != nil {
		return explain(err)
	}
	fmt.Fprintf(e.stdout, "revoked token %s of %s\n", t.ID, t.UserEmail)
	return nil
}

// explain turns a domain error into one line for the terminal, with each
// field as the flag of the same name.
func explain(err error) error {
	se, ok := errors.AsType[*studio.Error](err)
	if !ok {
		return err
	}
	if len(se.Fields) == 0 {
		return errors.New(se.Message)
	}
	names := make([]string, 0, len(se.Fields))
	for f := range se.Fields {
		names = append(names, f)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, f := range names {
		flag := f
		if f == "temperature_unit" {
			flag = "temperature"
		}
		parts[i] = "--" + flag + " " + se.Fields[f]
	}
	return fmt.Errorf("%s (%s)", se.Message, strings.Join(parts, "; "))
}
