package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/riverqueue/river"

	"atelier/internal/provenance"
	"atelier/internal/store"
)

// witnessWorker sends a studio log's checkpoint to its witnesses
// (store.WitnessJob, enqueued with each append) and keeps what they
// cosign. A witness that is down fails the job, which River retries with
// growing pauses: the next run sends the checkpoint of then, with a
// consistency proof from what the witness last cosigned, so nothing is
// lost while it was away.
type witnessWorker struct {
	river.WorkerDefaults[store.WitnessJob]
	st     *store.Store
	client *http.Client
	log    *slog.Logger
}

func newWitnessWorker(st *store.Store, cfg Config) *witnessWorker {
	return &witnessWorker{st: st, client: WitnessClient(cfg.AllowPrivateWitnesses), log: cfg.Log}
}

// WitnessClient is the HTTP client that talks to witnesses. A studio's
// owner names their addresses, so unless allowPrivate it refuses to
// connect to loopback, private, link-local and other non-public
// addresses, whatever a name resolves to: a witness list must not become
// a way to reach the install's own network.
func WitnessClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return err
			}
			ip = ip.Unmap()
			if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
				return fmt.Errorf("refused to reach %s: not a public address (set ATELIER_WITNESS_ALLOW_PRIVATE=1 for witnesses on a private network)", ip)
			}
			return nil
		}
	}
	transport := &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second, MaxIdleConnsPerHost: 2}
	return &http.Client{Timeout: 10 * time.Second, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Timeout bounds a run below River's rescue of stuck jobs.
func (w *witnessWorker) Timeout(*river.Job[store.WitnessJob]) time.Duration { return 15 * time.Second }

func (w *witnessWorker) Work(ctx context.Context, job *river.Job[store.WitnessJob]) error {
	return SubmitToWitnesses(ctx, w.st, w.client, job.Args.StudioID)
}

// maxWitnessAnswer bounds what is read of a witness's answer: a few
// signature lines.
const maxWitnessAnswer = 16 << 10

// SubmitToWitnesses sends the studio's current checkpoint to each of its
// witnesses that has not cosigned it, keeps the valid cosignatures, and
// records every refusal. It fails when a witness could not be reached or
// refused, so that the job is tried again.
func SubmitToWitnesses(ctx context.Context, st *store.Store, client *http.Client, studioID string) error {
	subs, err := st.WitnessSubmissions(ctx, studioID)
	if err != nil {
		return err
	}
	var errs []error
	for _, sub := range subs {
		err := submit(ctx, st, client, studioID, sub)
		var conflict *provenance.SizeConflict
		if errors.As(err, &conflict) && !conflict.Fork {
			// The witness knows another size: try once more from it.
			if again, err2 := st.WitnessSubmissions(ctx, studioID); err2 == nil {
				for _, s := range again {
					if s.Witness.ID == sub.Witness.ID {
						err = submit(ctx, st, client, studioID, s)
					}
				}
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("witness %s: %w", sub.Witness.URL, err))
		}
	}
	return errors.Join(errs...)
}

func submit(ctx context.Context, st *store.Store, client *http.Client, studioID string, sub store.WitnessSubmission) error {
	url := strings.TrimRight(sub.Witness.URL, "/") + "/add-checkpoint"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(sub.Request.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	res, err := client.Do(req)
	if err != nil {
		st.RecordWitnessAnswer(ctx, studioID, sub.Witness.ID, -1, "unreachable: "+err.Error())
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxWitnessAnswer))
	if err != nil {
		return err
	}
	switch res.StatusCode {
	case http.StatusOK:
		lines, err := provenance.CheckCosignatures(sub.Text, body, sub.Witness.Verifier)
		if err != nil {
			st.RecordWitnessAnswer(ctx, studioID, sub.Witness.ID, -1, err.Error())
			return err
		}
		return st.RecordCosignature(ctx, studioID, sub.Witness.ID, sub.Size, lines)
	case http.StatusConflict:
		size, err := strconv.ParseInt(strings.TrimSpace(string(body)), 10, 64)
		if err != nil || size < 0 {
			size = -1
		}
		c := &provenance.SizeConflict{Size: size, Fork: size == sub.Request.OldSize || size == sub.Size}
		st.RecordWitnessAnswer(ctx, studioID, sub.Witness.ID, size, c.Error())
		return c
	default:
		// The protocol's refusals say why in a line of text; anything else
		// is reported by its status alone, so that an address that is no
		// witness never has its answer kept and shown.
		why := fmt.Sprintf("answered %d", res.StatusCode)
		switch res.StatusCode {
		case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity:
			if line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n"); line != "" && len(line) <= 200 {
				why += ": " + line
			}
		}
		st.RecordWitnessAnswer(ctx, studioID, sub.Witness.ID, -1, why)
		return errors.New(why)
	}
}
