package pdf

import (
	"bytes"
	"strings"
	"testing"
)

// withStub is the sample certificate printed for the first time, with its
// transfer code on the stub.
func withStub() CertificatePage {
	p := sample()
	p.TransferCode = "ABCD-EFGH-IJKL-MNOP"
	return p
}

// longest is a certificate with every field as long as the layout takes,
// a story of 5000 characters and a long base address.
func longest(p CertificatePage) CertificatePage {
	long := strings.Repeat("Longwordwithoutanyspaces", 12)
	c := &p.Certificate
	c.Subject = strings.Repeat("A very long subject name ", 8)
	c.Artist, c.StudioName, c.EditionTitle = long, long, long
	c.Clay, c.Finish = strings.Repeat("Fimo Soft, ", 20), long
	c.Story = strings.Repeat("She sat on the windowsill all winter and watched the snow. ", 85)[:5000]
	p.KeyName, p.Fingerprint = "atelier/"+long, long
	p.VerifyURL = "https://certificates.studio-of-a-very-long-name.example.org/atelier/verification/v/ABCDEFGHIJKLMNOP"
	return p
}

func TestFirstPrintHasADetachableStubWithTheCode(t *testing.T) {
	for _, size := range []PageSize{A6, A5} {
		t.Run(string(size), func(t *testing.T) {
			path, _ := render(t, size, withStub())
			qpdfCheck(t, path)
			checkWordsInsidePage(t, path)
			got := text(t, path)
			for _, want := range []string{"ABCD-EFGH-IJKL-MNOP", "Cut here", "Transfer code — hand this to the next owner to transfer the certificate",
				"Transfer at https://atelier.example/v/ABCDEFGHIJKLMNOP", "pear tree", "ABCD EFGH IJKL MNOP", "Signature"} {
				if !strings.Contains(got, want) {
					t.Errorf("text lacks %q:\n%s", want, got)
				}
			}
		})
	}
}

func TestReprintHasNoStub(t *testing.T) {
	path, _ := render(t, A6, sample())
	got := text(t, path)
	for _, absent := range []string{"Transfer", "Cut here"} {
		if strings.Contains(got, absent) {
			t.Errorf("a reprint shows %q:\n%s", absent, got)
		}
	}
}

// With the stub, the QR code still scans and long text still stays on the
// page, at both sizes.
func TestStubLeavesTheQRCodeReadableAndTextInside(t *testing.T) {
	for _, tc := range []struct {
		name string
		page CertificatePage
	}{{"sample", withStub()}, {"every field long", longest(withStub())}} {
		for _, size := range []PageSize{A6, A5} {
			t.Run(tc.name+"/"+string(size), func(t *testing.T) {
				path, _ := render(t, size, tc.page)
				qpdfCheck(t, path)
				checkWordsInsidePage(t, path)
				if code := scanQR(t, path); code != tc.page.VerifyURL {
					t.Errorf("QR code reads %q; want %q", code, tc.page.VerifyURL)
				}
				if got := text(t, path); !strings.Contains(got, "ABCD-EFGH-IJKL-MNOP") {
					t.Errorf("the code is not printed:\n%s", got)
				}
			})
		}
	}
}

func TestCertificateWithStubIsUnder60kB(t *testing.T) {
	for _, size := range []PageSize{A6, A5} {
		var buf bytes.Buffer
		if err := Certificates(&buf, size, []CertificatePage{withStub()}); err != nil {
			t.Fatal(err)
		}
		if buf.Len() >= 60_000 {
			t.Errorf("%s certificate with its stub is %d bytes; want < 60 kB", size, buf.Len())
		}
	}
}

func BenchmarkCertificateOneWithStub(b *testing.B) {
	benchmarkCertificates(b, []CertificatePage{withStub()})
}
