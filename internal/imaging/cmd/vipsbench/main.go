//go:build linux

// Command vipsbench compares the CPU time and peak memory of the studio's
// photo variants (imaging.Variants: 1600, 400 and 160 px) with libvips'
// vipsthumbnail drawing the same cascade, whole process against whole
// process, on photos it makes at run time (issue 19):
//
//	go run ./internal/imaging/cmd/vipsbench [-pairs 7] [-size 4000x3000]
//
// Each measurement is one child process: this program run again with
// -child for ours; three vipsthumbnail runs for libvips (1600 from the
// original, 400 from that, 160 from the 400, as Variants draws them). CPU
// is user+system time from the child's rusage, memory its peak RSS. The
// two alternate (ours, vips, ours, vips, …) so that load from other work
// on the machine hits both alike; the table shows medians. Linux only: it
// reads peak RSS from rusage in kilobytes.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"

	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
	"atelier/internal/studio"
)

func main() {
	child := flag.Bool("child", false, "internal: draw the variants of the file named by the first argument into the folder named by the second")
	makeIn := flag.String("make", "", "internal: write the photos into this folder")
	pairs := flag.Int("pairs", 7, "measurements of each side per photo")
	size := flag.String("size", "4000x3000", "the photos' size, WIDTHxHEIGHT")
	vips := flag.String("vips", "vipsthumbnail", "the vipsthumbnail to run")
	flag.Parse()
	if *child {
		if err := drawVariants(flag.Arg(0), flag.Arg(1)); err != nil {
			log.Fatal(err)
		}
		return
	}
	var w, h int
	if _, err := fmt.Sscanf(*size, "%dx%d", &w, &h); err != nil {
		log.Fatalf("-size: %v", err)
	}
	if *makeIn != "" {
		if err := makePhotos(*makeIn, w, h); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(*pairs, w, h, *size, *vips); err != nil {
		log.Fatal(err)
	}
}

// drawVariants is the child's work: what the thumbnail job does with an
// original, minus the blob store.
func drawVariants(in, outDir string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	vs, err := imaging.Variants(f, 0, studio.VariantSizes)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if err := os.WriteFile(filepath.Join(outDir, "ours-"+strconv.Itoa(v.Size)+".jpg"), v.JPEG, 0o644); err != nil {
			return err
		}
	}
	return nil
}

type photo struct{ name, path string }

var photoNames = []string{"PhonePhoto (orientation 6)", "ScenePhoto"}

// photoFiles names what makePhotos writes.
func photoFiles(dir string) []photo {
	var out []photo
	for i, name := range photoNames {
		out = append(out,
			photo{name + ", baseline", filepath.Join(dir, fmt.Sprintf("photo%d.jpg", i))},
			photo{name + ", progressive", filepath.Join(dir, fmt.Sprintf("photo%d-progressive.jpg", i))})
	}
	return out
}

// run measures. The photos are made by a child process: on Linux a
// child's peak RSS counts the memory of the process it was forked from, up
// to its exec, so the parent must stay small.
func run(pairs, w, h int, size, vips string) error {
	dir, err := os.MkdirTemp("", "vipsbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if _, err := measure(exec.Command(self, "-make", dir, "-size", size)); err != nil {
		return err
	}
	fmt.Printf("%d×%d, median of %d interleaved pairs, whole-process CPU (user+sys) and peak RSS\n\n", w, h, pairs)
	fmt.Println("| photo | ours CPU ms | vips CPU ms | ratio | ours RSS MB | vips RSS MB | vips start-up ms | ratio without vips' 3 start-ups |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, p := range photoFiles(dir) {
		var ours, theirs, starts []usage
		var net []float64
		for range pairs {
			u, err := measure(exec.Command(self, "-child", p.path, dir))
			if err != nil {
				return fmt.Errorf("%s, ours: %w", p.name, err)
			}
			ours = append(ours, u)
			v, err := vipsCascade(vips, p.path, dir)
			if err != nil {
				return fmt.Errorf("%s, vips: %w", p.name, err)
			}
			theirs = append(theirs, v)
			// What libvips spends before it reads a pixel (loading its
			// modules), paid three times in its cascade; measured within
			// the pair so that it meets the same load.
			s, err := measure(exec.Command(vips, "--vips-version"))
			if err != nil {
				return err
			}
			starts = append(starts, s)
			net = append(net, float64(u.cpu)/float64(v.cpu-3*s.cpu))
		}
		slices.Sort(net)
		o, t := median(ours), median(theirs)
		fmt.Printf("| %s | %d | %d | %.2f | %.1f | %.1f | %d | %.2f |\n", p.name, o.cpu.Milliseconds(), t.cpu.Milliseconds(),
			float64(o.cpu)/float64(t.cpu), float64(o.rss)/(1<<20), float64(t.rss)/(1<<20),
			median(starts).cpu.Milliseconds(), net[len(net)/2])
	}
	return nil
}

// makePhotos writes the synthetic phone photo and the scene, each as it is
// made (baseline) and losslessly rewritten as progressive.
func makePhotos(dir string, w, h int) error {
	files := photoFiles(dir)
	for i, data := range [][]byte{imagingtest.PhonePhoto(w, h, 6), imagingtest.ScenePhoto(w, h, 1)} {
		base, prog := files[2*i].path, files[2*i+1].path
		if err := os.WriteFile(base, data, 0o644); err != nil {
			return err
		}
		if err := progressive(base, prog); err != nil {
			return err
		}
	}
	return nil
}

// progressive rewrites a JPEG as progressive without decoding it
// (jpegtran, from libjpeg-turbo-progs), keeping its EXIF.
func progressive(in, out string) error {
	cmd := exec.Command("jpegtran", "-progressive", "-copy", "all", "-outfile", out, in)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("jpegtran (apt-get install libjpeg-turbo-progs): %v: %s", err, b)
	}
	return nil
}

// vipsCascade draws the three sizes as Variants does, each from the one
// before, at quality 85; the usage is the three processes' together, the
// memory the largest of the three.
func vipsCascade(vips, in, dir string) (usage, error) {
	var total usage
	src := in
	for _, size := range studio.VariantSizes {
		out := filepath.Join(dir, "vips-"+strconv.Itoa(size)+".jpg")
		u, err := measure(exec.Command(vips, src, "-s", strconv.Itoa(size), "-o", out+"[Q=85,strip]"))
		if err != nil {
			return usage{}, err
		}
		total.cpu += u.cpu
		total.rss = max(total.rss, u.rss)
		src = out
	}
	return total, nil
}

type usage struct {
	cpu time.Duration
	rss int64 // bytes
}

func measure(cmd *exec.Cmd) (usage, error) {
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return usage{}, err
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return usage{
		cpu: time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime)),
		rss: ru.Maxrss << 10, // kilobytes on Linux
	}, nil
}

// median takes the median CPU and, separately, the median peak memory.
func median(us []usage) usage {
	cpu := make([]time.Duration, len(us))
	rss := make([]int64, len(us))
	for i, u := range us {
		cpu[i], rss[i] = u.cpu, u.rss
	}
	slices.Sort(cpu)
	slices.Sort(rss)
	return usage{cpu: cpu[len(cpu)/2], rss: rss[len(rss)/2]}
}
