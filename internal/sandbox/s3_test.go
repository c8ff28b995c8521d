package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// addPlainBucket adds a bucket with no policy, encryption or public access
// block, as one created outside CloudFormation long ago might be.
func addPlainBucket(a *Account, name string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.s3Buckets[name] = &S3Bucket{Name: name, ARN: "arn:aws:s3:::" + name, Region: a.Region, Owner: a.ID,
		CreationDate: time.Now(), Objects: map[string]*S3Object{}}
}

func TestS3Operations(t *testing.T) {
	c := startClients(t, "connected")
	out := c.outputs(t)
	cas, sdds := out["CasBucketName"], out["SddsBucketName"]
	addPlainBucket(c.srv.Account(), "plain-bucket")
	ctx := t.Context()
	feedKey := sddsObjectKey(DemoDataFeed, time.Now().UTC())

	tests := []struct {
		name   string
		call   func() (any, error)
		check  func(t *testing.T, res any)
		code   string // expected error code, "" for success
		status int
		msg    string
	}{
		{name: "HeadBucket", call: func() (any, error) { return c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(cas)}) },
			check: func(t *testing.T, res any) {
				if r := aws.ToString(res.(*s3.HeadBucketOutput).BucketRegion); r != "us-east-1" {
					t.Errorf("BucketRegion = %q", r)
				}
			}},
		{name: "HeadBucket missing", call: func() (any, error) {
			return c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("no-such-bucket")})
		},
			code: "NotFound", status: 404},
		{name: "GetBucketLocation", call: func() (any, error) {
			return c.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(sdds)})
		}, check: func(t *testing.T, res any) {
			if lc := res.(*s3.GetBucketLocationOutput).LocationConstraint; lc != "" {
				t.Errorf("LocationConstraint = %q, want empty for us-east-1", lc)
			}
		}},
		{name: "GetBucketLocation missing", call: func() (any, error) {
			return c.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("no-such-bucket")})
		}, code: "NoSuchBucket", status: 404, msg: "The specified bucket does not exist"},
		{name: "GetBucketPolicy", call: func() (any, error) {
			return c.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(sdds)})
		},
			check: func(t *testing.T, res any) {
				p := aws.ToString(res.(*s3.GetBucketPolicyOutput).Policy)
				if !policyAllows(p, iampolicy.Request{Service: "reports.marketplace.amazonaws.com", Action: "s3:PutObject",
					Resource: "arn:aws:s3:::" + sdds + "/x", Context: map[string]string{"aws:SourceAccount": "111122223333", "aws:SourceArn": sddsSourceARN, "aws:SecureTransport": "true"}}) {
					t.Errorf("SDDS bucket policy does not admit reports.marketplace.amazonaws.com: %s", p)
				}
			}},
		{name: "GetBucketPolicy none", call: func() (any, error) {
			return c.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("plain-bucket")})
		}, code: "NoSuchBucketPolicy", status: 404, msg: "The bucket policy does not exist"},
		{name: "GetBucketEncryption", call: func() (any, error) {
			return c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(sdds)})
		}, check: func(t *testing.T, res any) {
			r := res.(*s3.GetBucketEncryptionOutput).ServerSideEncryptionConfiguration.Rules[0]
			if r.ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms ||
				aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != out["SddsKeyArn"] || !aws.ToBool(r.BucketKeyEnabled) {
				t.Errorf("rule = %+v %v", *r.ApplyServerSideEncryptionByDefault, aws.ToBool(r.BucketKeyEnabled))
			}
		}},
		{name: "GetBucketEncryption none", call: func() (any, error) {
			return c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("plain-bucket")})
		}, code: "ServerSideEncryptionConfigurationNotFoundError", status: 404, msg: "was not found"},
		{name: "GetPublicAccessBlock", call: func() (any, error) {
			return c.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(cas)})
		}, check: func(t *testing.T, res any) {
			p := res.(*s3.GetPublicAccessBlockOutput).PublicAccessBlockConfiguration
			if !aws.ToBool(p.BlockPublicAcls) || !aws.ToBool(p.IgnorePublicAcls) || !aws.ToBool(p.BlockPublicPolicy) || !aws.ToBool(p.RestrictPublicBuckets) {
				t.Errorf("public access block = %+v", p)
			}
		}},
		{name: "GetPublicAccessBlock none", call: func() (any, error) {
			return c.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("plain-bucket")})
		}, code: "NoSuchPublicAccessBlockConfiguration", status: 404, msg: "was not found"},
		{name: "ListObjectsV2", call: func() (any, error) { return c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(sdds)}) },
			check: func(t *testing.T, res any) {
				o := res.(*s3.ListObjectsV2Output)
				if aws.ToInt32(o.KeyCount) != 1 || aws.ToString(o.Contents[0].Key) != feedKey || aws.ToInt64(o.Contents[0].Size) == 0 ||
					aws.ToBool(o.IsTruncated) || o.Contents[0].LastModified == nil {
					t.Errorf("ListObjectsV2 = %d keys %+v", aws.ToInt32(o.KeyCount), o.Contents)
				}
			}},
		{name: "ListObjectsV2 missing", call: func() (any, error) {
			return c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("no-such-bucket")})
		}, code: "NoSuchBucket", status: 404, msg: "does not exist"},
		{name: "ListObjectsV2 bad token", call: func() (any, error) {
			return c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(sdds), ContinuationToken: aws.String("!!")})
		}, code: "InvalidArgument", status: 400, msg: "continuation token"},
		{name: "GetObject", call: func() (any, error) {
			return c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(sdds), Key: aws.String(feedKey)})
		}, check: func(t *testing.T, res any) {
			o := res.(*s3.GetObjectOutput)
			body, _ := io.ReadAll(o.Body)
			if !strings.HasPrefix(string(body), "billing_event_id,") || o.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms ||
				aws.ToString(o.SSEKMSKeyId) != out["SddsKeyArn"] || aws.ToString(o.ContentType) != "text/csv" || aws.ToString(o.ETag) == "" {
				t.Errorf("GetObject = %q sse %s key %s type %s", body, o.ServerSideEncryption, aws.ToString(o.SSEKMSKeyId), aws.ToString(o.ContentType))
			}
		}},
		{name: "GetObject missing", call: func() (any, error) {
			return c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(sdds), Key: aws.String("nope.csv")})
		}, code: "NoSuchKey", status: 404, msg: "The specified key does not exist."},
		{name: "HeadObject missing", call: func() (any, error) {
			return c.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(sdds), Key: aws.String("nope.csv")})
		}, code: "NotFound", status: 404},
		{name: "PutObject missing bucket", call: func() (any, error) {
			return c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("no-such-bucket"), Key: aws.String("k"), Body: strings.NewReader("x")})
		}, code: "NoSuchBucket", status: 404},
		{name: "ListBuckets", call: func() (any, error) { return c.s3.ListBuckets(ctx, &s3.ListBucketsInput{}) },
			check: func(t *testing.T, res any) {
				var names []string
				for _, b := range res.(*s3.ListBucketsOutput).Buckets {
					names = append(names, aws.ToString(b.Name))
				}
				if len(names) != 3 || !strings.Contains(strings.Join(names, " "), cas) || !strings.Contains(strings.Join(names, " "), sdds) {
					t.Errorf("ListBuckets = %v", names)
				}
			}},
		{name: "unimplemented sub-resource", call: func() (any, error) {
			return c.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(cas)})
		}, code: "NotImplemented", status: 501, msg: "does not implement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.call()
			if tt.code != "" {
				wantAPIError(t, tt.name, err, tt.code, tt.status, tt.msg)
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}

	// The SDK's error types are the modeled ones.
	_, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(sdds), Key: aws.String("nope.csv")})
	var nsk *s3types.NoSuchKey
	_, herr := c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("no-such-bucket")})
	var nf *s3types.NotFound
	if !errors.As(err, &nsk) || !errors.As(herr, &nf) {
		t.Errorf("modeled errors: GetObject %T, HeadBucket %T", err, herr)
	}
}

func TestS3PutObjectAndListing(t *testing.T) {
	c := startClients(t, "connected")
	cas := c.outputs(t)["CasBucketName"]
	ctx := t.Context()
	keys := []string{"a/1.csv", "a/2.csv", "b/1.csv", "b/2.csv", "c.csv"}
	for _, k := range keys {
		_, err := c.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(cas), Key: aws.String(k),
			Body: strings.NewReader("body of " + k), ContentType: aws.String("text/csv"), Metadata: map[string]string{"origin": "test"}})
		if err != nil {
			t.Fatalf("PutObject(%s): %v", k, err)
		}
	}
	got, err := c.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(cas), Key: aws.String("b/2.csv")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	if string(body) != "body of b/2.csv" || got.Metadata["origin"] != "test" || got.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
		t.Errorf("GetObject = %q %v %s", body, got.Metadata, got.ServerSideEncryption)
	}

	// Paging with the SDK's paginator, two keys a page.
	var listed []string
	pages := 0
	pg := s3.NewListObjectsV2Paginator(c.s3, &s3.ListObjectsV2Input{Bucket: aws.String(cas), MaxKeys: aws.Int32(2)})
	for pg.HasMorePages() {
		p, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range p.Contents {
			listed = append(listed, aws.ToString(o.Key))
		}
	}
	if strings.Join(listed, ",") != strings.Join(keys, ",") || pages != 3 {
		t.Errorf("paged listing = %v in %d pages", listed, pages)
	}

	// Prefix and delimiter.
	tests := []struct {
		prefix, delimiter string
		want              string
	}{
		{"a/", "", "a/1.csv,a/2.csv"},
		{"", "/", "c.csv|a/,b/"},
		{"b", "/", "|b/"},
		{"zzz", "", ""},
	}
	for _, tt := range tests {
		o, err := c.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(cas), Prefix: aws.String(tt.prefix), Delimiter: aws.String(tt.delimiter)})
		if err != nil {
			t.Fatal(err)
		}
		var ks, ps []string
		for _, x := range o.Contents {
			ks = append(ks, aws.ToString(x.Key))
		}
		for _, x := range o.CommonPrefixes {
			ps = append(ps, aws.ToString(x.Prefix))
		}
		got := strings.Join(ks, ",")
		if len(ps) > 0 {
			got += "|" + strings.Join(ps, ",")
		}
		if got != tt.want {
			t.Errorf("prefix %q delimiter %q: %q, want %q", tt.prefix, tt.delimiter, got, tt.want)
		}
	}

	// The account state sees the objects.
	b, _ := c.srv.Account().Bucket(cas)
	if len(b.Objects) != 5 || b.Objects["c.csv"].ContentType != "text/csv" {
		t.Errorf("bucket state: %d objects", len(b.Objects))
	}
	if !strings.Contains(c.logs.all(), "s3 PutObject 200") || !strings.Contains(c.logs.all(), "s3 ListObjectsV2 200") {
		t.Errorf("logs lack the S3 operation names:\n%s", c.logs.all())
	}
}

// TestS3AWSChunked sends a SigV4 streaming (aws-chunked) upload with a
// trailing checksum, as SDKs do for PutObject with checksums over TLS.
func TestS3AWSChunked(t *testing.T) {
	c := startClients(t, "connected")
	cas := c.outputs(t)["CasBucketName"]
	payload := strings.Repeat("0123456789", 10) // 100 bytes in chunks of 64 and 36
	body := fmt.Sprintf("40;chunk-signature=%s\r\n%s\r\n24;chunk-signature=%s\r\n%s\r\n0;chunk-signature=%s\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:abc\r\n\r\n",
		strings.Repeat("a", 64), payload[:64], strings.Repeat("b", 64), payload[64:], strings.Repeat("c", 64))
	resp := rawRequest(t, c.srv, http.MethodPut, "/"+cas+"/chunked.txt", map[string]string{
		"Authorization":                fakeAuth("s3"),
		"Content-Encoding":             "aws-chunked",
		"x-amz-content-sha256":         "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
		"x-amz-decoded-content-length": "100",
		"x-amz-trailer":                "x-amz-checksum-crc32",
	}, body)
	if resp.status != 200 || resp.header.Get("ETag") == "" || resp.header.Get("x-amz-checksum-crc32") != "AAAAAA==" {
		t.Fatalf("PUT aws-chunked = %d %v %s", resp.status, resp.header, resp.body)
	}
	b, _ := c.srv.Account().Bucket(cas)
	if o := b.Objects["chunked.txt"]; o == nil || string(o.Body) != payload {
		t.Errorf("stored %+v", o)
	}
	bad := rawRequest(t, c.srv, http.MethodPut, "/"+cas+"/short.txt", map[string]string{
		"Authorization": fakeAuth("s3"), "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": "100",
	}, "40\r\nshort\r\n")
	if bad.status != 400 || !strings.Contains(bad.body, "<Code>IncompleteBody</Code>") {
		t.Errorf("truncated chunk = %d %s", bad.status, bad.body)
	}
}

// TestS3VirtualHostedStyle points the SDK at http://localhost:PORT without
// UsePathStyle, so it sends Host: <bucket>.localhost:PORT.
func TestS3VirtualHostedStyle(t *testing.T) {
	c := startClients(t, "connected")
	sdds := c.outputs(t)["SddsBucketName"]
	addr := strings.TrimPrefix(c.srv.URL(), "http://")
	_, port, _ := net.SplitHostPort(addr)
	var hosts []string
	transport := &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		hosts = append(hosts, a)
		return (&net.Dialer{}).DialContext(ctx, network, addr) // *.localhost is loopback
	}}
	client := s3.NewFromConfig(c.cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String("http://localhost:" + port)
		o.HTTPClient = &http.Client{Transport: transport}
	})
	out, err := client.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String(sdds)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 1 || len(hosts) == 0 || !strings.HasPrefix(hosts[0], sdds+".localhost:") {
		t.Errorf("virtual-hosted listing: %d objects via %v", len(out.Contents), hosts)
	}
	obj, err := client.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(sdds), Key: out.Contents[0].Key})
	if err != nil {
		t.Fatal(err)
	}
	obj.Body.Close()
	if _, err := client.HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("no-such-bucket")}); httpStatus(err) != 404 {
		t.Errorf("virtual-hosted HeadBucket(missing) = %v", err)
	}
}

// TestS3ForeignBucket: a bucket name owned by another account is AccessDenied.
func TestS3ForeignBucket(t *testing.T) {
	c := startClients(t, "rollback")
	_, err := c.s3.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("sellerdesk-reports")})
	wantAPIError(t, "GetBucketPolicy(foreign)", err, "AccessDenied", 403, "Access Denied")
	_, err = c.s3.HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("sellerdesk-reports")})
	if httpStatus(err) != 403 {
		t.Errorf("HeadBucket(foreign) = %v", err)
	}
}

// sddsSourceARN is the aws:SourceArn AWS sends with a data-feed delivery.
const sddsSourceARN = "arn:aws:marketplace::111122223333:AWSMarketplace/SellerDataSubscription/DataFeeds_V1"
