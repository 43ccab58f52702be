package filestest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"atelier/internal/files"
)

// The S3 store the tests run on when ATELIER_TEST_S3=1: one SeaweedFS
// server per test process (ATELIER_TEST_WEED names its binary; .ci/run
// builds it), started on loopback ports at the first use and killed with
// the process, and a new bucket for each test.
const (
	s3AccessKey = "atelier-test"
	s3SecretKey = "atelier-test-secret"
	s3Region    = "us-east-1"
)

// S3Enabled reports whether the tests should also run on S3.
func S3Enabled() bool { return os.Getenv("ATELIER_TEST_S3") == "1" }

var weed struct {
	once     sync.Once
	endpoint string
	err      error
}

// OpenS3 returns a store on a new, empty bucket of the test SeaweedFS, and
// the local folder it spools uploads in; both live as long as the test.
func OpenS3(tb testing.TB) (*files.Store, string) {
	tb.Helper()
	endpoint := S3Endpoint(tb)
	return OpenS3At(tb, endpoint, NewBucket(tb, endpoint))
}

// S3Endpoint is the address of the test SeaweedFS's S3 gateway, started
// at the first call of the process.
func S3Endpoint(tb testing.TB) string {
	tb.Helper()
	endpoint, err := startWeed()
	if err != nil {
		tb.Fatalf("SeaweedFS for ATELIER_TEST_S3: %v", err)
	}
	return endpoint
}

// NewBucket creates an empty bucket on the S3 endpoint and returns its name.
func NewBucket(tb testing.TB, endpoint string) string {
	tb.Helper()
	bucket := newBucketName()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := createBucket(ctx, endpoint, bucket); err != nil {
		tb.Fatalf("creating bucket %s: %v", bucket, err)
	}
	return bucket
}

// OpenS3At opens a store on a bucket reached through endpoint (the
// gateway, or a proxy in front of it that a test can cut off).
func OpenS3At(tb testing.TB, endpoint, bucket string) (*files.Store, string) {
	tb.Helper()
	// gocloud reads the credentials from the standard variables.
	tb.Setenv("AWS_ACCESS_KEY_ID", s3AccessKey)
	tb.Setenv("AWS_SECRET_ACCESS_KEY", s3SecretKey)
	dir := tb.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := files.Open(ctx, S3URL(endpoint, bucket), filepath.Join(dir, "tmp"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, dir
}

// S3URL is the ATELIER_FILES_URL of a bucket on an S3 endpoint.
func S3URL(endpoint, bucket string) string {
	q := url.Values{"endpoint": {endpoint}, "region": {s3Region}, "use_path_style": {"true"}}
	return "s3://" + bucket + "?" + q.Encode()
}

func newBucketName() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "t-" + hex.EncodeToString(b)
}

func createBucket(ctx context.Context, endpoint, bucket string) error {
	c := s3.New(s3.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       s3Region,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s3AccessKey, s3SecretKey, ""),
	})
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	return err
}

// startWeed starts the process's SeaweedFS once and returns its S3
// endpoint.
func startWeed() (string, error) {
	weed.once.Do(func() { weed.endpoint, weed.err = launchWeed() })
	return weed.endpoint, weed.err
}

func launchWeed() (string, error) {
	bin := os.Getenv("ATELIER_TEST_WEED")
	if bin == "" {
		return "", errors.New("set ATELIER_TEST_WEED to a SeaweedFS binary (.ci/seaweedfs builds one and prints its path)")
	}
	removeOldWeedDirs(2 * time.Hour)
	dir, err := os.MkdirTemp("", "atelier-weed-")
	if err != nil {
		return "", err
	}
	cfg := filepath.Join(dir, "s3.json")
	identity := fmt.Sprintf(`{"identities":[{"name":"atelier","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","Write","List","Tagging"]}]}`, s3AccessKey, s3SecretKey)
	if err := os.WriteFile(cfg, []byte(identity), 0o600); err != nil {
		return "", err
	}
	ports, err := freePorts(4)
	if err != nil {
		return "", err
	}
	master, volume, filer, s3port := ports[0], ports[1], ports[2], ports[3]
	cmd := exec.Command(bin, "server",
		"-dir="+dir, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-master.port="+strconv.Itoa(master), "-master.port.grpc="+strconv.Itoa(master+10000),
		"-volume.port="+strconv.Itoa(volume), "-volume.port.grpc="+strconv.Itoa(volume+10000),
		"-filer.port="+strconv.Itoa(filer), "-filer.port.grpc="+strconv.Itoa(filer+10000),
		"-master.volumeSizeLimitMB=64", "-volume.max=0",
		"-s3", "-s3.port="+strconv.Itoa(s3port), "-s3.config="+cfg)
	log, err := os.Create(filepath.Join(dir, "weed.log"))
	if err != nil {
		return "", err
	}
	cmd.Stdout, cmd.Stderr = log, log
	// The server dies with the test process, however that ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	endpoint := "http://127.0.0.1:" + strconv.Itoa(s3port)
	if err := waitForS3(endpoint, 60*time.Second); err != nil {
		cmd.Process.Kill()
		return "", fmt.Errorf("%w (its log: %s)", err, log.Name())
	}
	return endpoint, nil
}

// waitForS3 waits until the gateway creates a bucket: answering on its port
// is not enough, the filer behind it must be up too.
func waitForS3(endpoint string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err := createBucket(ctx, endpoint, "ready-"+newBucketName())
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("SeaweedFS's S3 gateway at %s did not answer within %s: %v", endpoint, limit, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// freePorts finds n loopback ports that are free, and whose gRPC companion
// (port + 10000) is free too.
func freePorts(n int) ([]int, error) {
	var ports []int
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for tries := 0; len(ports) < n && tries < 100; tries++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		p := l.Addr().(*net.TCPAddr).Port
		if p+10000 > 65535 {
			l.Close()
			continue
		}
		g, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+10000))
		if err != nil {
			l.Close()
			continue
		}
		held = append(held, l, g)
		ports = append(ports, p)
	}
	if len(ports) < n {
		return nil, errors.New("no free ports")
	}
	return ports, nil
}

// removeOldWeedDirs removes the data folders of test SeaweedFS servers of
// earlier test processes: a server dies with its process, but nothing is
// left to remove its folder. Only folders untouched for a while go, so
// that a test process running beside this one keeps its own.
func removeOldWeedDirs(age time.Duration) {
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "atelier-weed-*"))
	for _, dir := range old {
		if fi, err := os.Stat(filepath.Join(dir, "weed.log")); err == nil && time.Since(fi.ModTime()) > age {
			os.RemoveAll(dir)
		}
	}
}
