package pdf

import (
	"bytes"
	"testing"
)

// benchmarkCertificates renders pages as one document b.N times and
// reports the size of the file, which the print shop and the mail see.
func benchmarkCertificates(b *testing.B, pages []CertificatePage) {
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Certificates(&buf, A6, pages); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/file")
}

func BenchmarkCertificateOne(b *testing.B) {
	benchmarkCertificates(b, []CertificatePage{sample()})
}

func BenchmarkCertificateEditionOf20(b *testing.B) {
	benchmarkCertificates(b, edition(20))
}

// BenchmarkCertificateFloorNewDoc is what fpdf costs before a certificate
// is drawn: the two faces a certificate embeds and one word, written out. It is
// the fixed part of every document, whatever it prints.
func BenchmarkCertificateFloorNewDoc(b *testing.B) {
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		doc := newDoc(105, 148, "B")
		doc.SetCreationDate(sample().Certificate.IssuedAt)
		doc.SetModificationDate(sample().Certificate.IssuedAt)
		doc.AddPage()
		doc.SetFont(Family, "", 10)
		doc.Text(10, 10, "Certificate")
		if err := doc.Output(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/file")
}
