package sandbox

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// S3: REST-XML, signing name "s3", over the buckets the CloudFormation engine
// created. Both addressing styles work:
//
//   - path style, http://127.0.0.1:PORT/bucket/key — what the AWS CLI, boto3
//     and aws-sdk-go-v2 use for an endpoint whose host is an IP address (with
//     a host name such as localhost, set UsePathStyle / addressing_style
//     "path");
//   - virtual-hosted style, Host: bucket.localhost:PORT (or an AWS-shaped
//     bucket.s3.<region>.amazonaws.com routed here by a proxy).
//
// The operation is chosen by method, bucket/key and sub-resource query
// (?policy, ?encryption, ?publicAccessBlock, ?location, ?list-type=2), as S3
// does. Uploads in aws-chunked encoding (the SDKs' streaming checksums) are
// decoded.
func init() {
	registerService("s3", &s3Service{})
}

type s3Service struct{ restXMLProtocol }

// s3Op is one S3 operation on a resolved bucket/key.
type s3Op func(c *call, bucket, key string) (any, error)

func (s *s3Service) serve(w http.ResponseWriter, c *call) {
	bucket, key, err := s3Target(c.req)
	if err != nil {
		c.action = c.req.Method + " " + c.req.URL.Path
		fail(w, c, s, err)
		return
	}
	name, op := s3Route(c.req.Method, bucket, key, c.req.URL.Query())
	c.action = name
	if op == nil {
		s.writeError(w, c, s.common(errUnknownOperation, fmt.Sprintf(
			"the SellerDesk sandbox does not implement this S3 request (%s %s); it implements ListBuckets, HeadBucket, "+
				"GetBucketLocation, GetBucketPolicy, PutBucketPolicy, DeleteBucketPolicy, GetBucketEncryption, GetPublicAccessBlock, ListObjects(V2), "+
				"GetObject, HeadObject, PutObject and DeleteObject", c.req.Method, c.req.URL.RequestURI())))
		return
	}
	out, err := op(c, bucket, key)
	if err != nil {
		fail(w, c, s, err)
		return
	}
	writeREST(w, s, out)
}

// s3Route names the operation of a request and returns its handler (nil for
// requests the sandbox does not implement).
func s3Route(method, bucket, key string, q url.Values) (string, s3Op) {
	switch {
	case bucket == "":
		if method == http.MethodGet {
			return "ListBuckets", s3ListBuckets
		}
	case key == "":
		switch method {
		case http.MethodPut:
			if q.Has("policy") {
				return "PutBucketPolicy", s3PutBucketPolicy
			}
		case http.MethodDelete:
			if q.Has("policy") {
				return "DeleteBucketPolicy", s3DeleteBucketPolicy
			}
		case http.MethodHead:
			return "HeadBucket", s3HeadBucket
		case http.MethodGet:
			switch {
			case q.Has("location"):
				return "GetBucketLocation", s3GetBucketLocation
			case q.Has("policy"):
				return "GetBucketPolicy", s3GetBucketPolicy
			case q.Has("encryption"):
				return "GetBucketEncryption", s3GetBucketEncryption
			case q.Has("publicAccessBlock"):
				return "GetPublicAccessBlock", s3GetPublicAccessBlock
			case q.Get("list-type") == "2":
				return "ListObjectsV2", s3ListObjects
			case !hasSubresource(q):
				return "ListObjects", s3ListObjects
			}
		}
	default:
		if hasSubresource(q) {
			break
		}
		switch method {
		case http.MethodGet:
			return "GetObject", s3GetObject
		case http.MethodHead:
			return "HeadObject", s3GetObject
		case http.MethodPut:
			return "PutObject", s3PutObject
		case http.MethodDelete:
			return "DeleteObject", s3DeleteObject
		}
	}
	name := method + " " + strings.Trim(bucket+"/"+key, "/")
	for k := range q {
		if !strings.HasPrefix(strings.ToLower(k), "x-amz-") {
			name += "?" + k
			break
		}
	}
	return name, nil
}

// hasSubresource reports whether q names an S3 sub-resource (?acl, ?tagging,
// ?uploads, …) rather than only ordinary parameters.
func hasSubresource(q url.Values) bool {
	for k := range q {
		switch {
		case strings.HasPrefix(strings.ToLower(k), "x-amz-"), strings.HasPrefix(k, "response-"):
		case k == "AWSAccessKeyId", k == "Signature", k == "Expires": // a SigV2 presigned URL
		case k == "list-type", k == "prefix", k == "delimiter", k == "max-keys", k == "marker", k == "continuation-token",
			k == "start-after", k == "encoding-type", k == "fetch-owner", k == "versionId", k == "partNumber", k == "x-id":
		default:
			return true
		}
	}
	return false
}

var s3AWSHost = regexp.MustCompile(`^(.+)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com$`)

// s3Target extracts the bucket and key of a request, in either addressing style.
func s3Target(r *http.Request) (bucket, key string, err error) {
	host := r.Host
	if h, _, splitErr := net.SplitHostPort(host); splitErr == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	p := r.URL.EscapedPath()
	unescape := func(s string) (string, error) {
		u, err := url.PathUnescape(s)
		if err != nil {
			return "", apiError(http.StatusBadRequest, "InvalidURI", "Couldn't parse the specified URI.")
		}
		return u, nil
	}
	if vb := virtualBucket(host); vb != "" {
		key, err = unescape(strings.TrimPrefix(p, "/"))
		return vb, key, err
	}
	rest := strings.TrimPrefix(p, "/")
	b, k, _ := strings.Cut(rest, "/")
	if bucket, err = unescape(b); err != nil {
		return "", "", err
	}
	key, err = unescape(k)
	return bucket, key, err
}

// virtualBucket returns the bucket named by a virtual-hosted-style host, or "".
func virtualBucket(host string) string {
	if host == "" || host == "localhost" || net.ParseIP(host) != nil {
		return ""
	}
	if b, ok := strings.CutSuffix(host, ".localhost"); ok {
		return b
	}
	if m := s3AWSHost.FindStringSubmatch(host); m != nil {
		return m[1]
	}
	return ""
}

func s3Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func s3NoSuchBucket() *APIError {
	return apiError(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
}

// bucketFor returns the account's bucket called name (caller holds a.mu), or
// S3's error: NoSuchBucket, AccessDenied for another account's bucket, or
// InvalidBucketName.
func (a *Account) bucketFor(name string) (*S3Bucket, error) {
	if b := a.s3Buckets[name]; b != nil {
		return b, nil
	}
	if a.foreignBuckets[name] != "" {
		return nil, apiError(http.StatusForbidden, "AccessDenied", "Access Denied")
	}
	if len(name) < 3 || len(name) > 63 || !bucketNamePattern.MatchString(name) {
		return nil, apiError(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.")
	}
	return nil, s3NoSuchBucket()
}

// --- buckets -------------------------------------------------------------------

type s3ListBucketsResult struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
	Owner   s3Owner
	Buckets []s3BucketXML `xml:"Buckets>Bucket"`
	Prefix  string        `xml:",omitempty"`
}

type s3Owner struct {
	ID          string
	DisplayName string `xml:",omitempty"`
}

type s3BucketXML struct {
	Name         string
	CreationDate string
	BucketRegion string
	BucketArn    string `xml:",omitempty"`
}

// canonicalUserID is the account's S3 canonical user ID (64 hex characters).
func (a *Account) canonicalUserID() string {
	sum := sha256.Sum256([]byte("sellerdesk-sandbox-canonical-" + a.ID))
	return hex.EncodeToString(sum[:])
}

func s3ListBuckets(c *call, _, _ string) (any, error) {
	a := c.acct
	q := c.req.URL.Query()
	a.mu.Lock()
	defer a.mu.Unlock()
	res := &s3ListBucketsResult{Owner: s3Owner{ID: a.canonicalUserID()}, Prefix: q.Get("prefix")}
	for _, name := range sortedKeys(a.s3Buckets) {
		b := a.s3Buckets[name]
		if !strings.HasPrefix(name, q.Get("prefix")) || (q.Get("bucket-region") != "" && q.Get("bucket-region") != b.Region) {
			continue
		}
		res.Buckets = append(res.Buckets, s3BucketXML{Name: name, CreationDate: s3Time(b.CreationDate), BucketRegion: b.Region})
	}
	return res, nil
}

func s3HeadBucket(c *call, bucket, _ string) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		return nil, err
	}
	return &restResponse{header: http.Header{
		"X-Amz-Bucket-Region":      {b.Region},
		"X-Amz-Access-Point-Alias": {"false"},
	}}, nil
}

type s3LocationConstraint struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
	Value   string   `xml:",chardata"`
}

func s3GetBucketLocation(c *call, bucket, _ string) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		return nil, err
	}
	loc := b.Region
	if loc == "us-east-1" { // S3 reports us-east-1 as an empty constraint
		loc = ""
	}
	return &s3LocationConstraint{Value: loc}, nil
}

func s3GetBucketPolicy(c *call, bucket, _ string) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		return nil, err
	}
	if b.Policy == "" {
		return nil, apiError(http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	return &restResponse{header: http.Header{"Content-Type": {"application/json"}}, body: []byte(b.Policy)}, nil
}

type s3EncryptionConfig struct {
	XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ServerSideEncryptionConfiguration"`
	Rule    struct {
		Default struct {
			SSEAlgorithm   string
			KMSMasterKeyID string `xml:",omitempty"`
		} `xml:"ApplyServerSideEncryptionByDefault"`
		BucketKeyEnabled bool
	}
}

func s3GetBucketEncryption(c *call, bucket, _ string) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		return nil, err
	}
	if b.Encryption == nil || b.Encryption.SSEAlgorithm == "" {
		return nil, apiError(http.StatusNotFound, "ServerSideEncryptionConfigurationNotFoundError",
			"The server side encryption configuration was not found")
	}
	var res s3EncryptionConfig
	res.Rule.Default.SSEAlgorithm = b.Encryption.SSEAlgorithm
	res.Rule.Default.KMSMasterKeyID = b.Encryption.KMSMasterKeyID
	res.Rule.BucketKeyEnabled = b.Encryption.BucketKeyEnabled
	return &res, nil
}

type s3PublicAccessBlockXML struct {
	XMLName               xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ PublicAccessBlockConfiguration"`
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

func s3GetPublicAccessBlock(c *call, bucket, _ string) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		return nil, err
	}
	p := b.PublicAccessBlock
	if p == nil {
		return nil, apiError(http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration",
			"The public access block configuration was not found")
	}
	return &s3PublicAccessBlockXML{BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
		BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}, nil
}

// --- listing -------------------------------------------------------------------

type s3ListObjectsResult struct {
	XMLName               xml.Name         `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListBucketResult"`
	Name                  string           `xml:"Name"`
	Prefix                string           `xml:"Prefix"`
	Marker                *string          `xml:"Marker,omitempty"`
	NextMarker            string           `xml:"NextMarker,omitempty"`
	Delimiter             string           `xml:"Delimiter,omitempty"`
	MaxKeys               int              `xml:"MaxKeys"`
	KeyCount              *int             `xml:"KeyCount,omitempty"`
	IsTruncated           bool             `xml:"IsTruncated"`
	EncodingType          string           `xml:"EncodingType,omitempty"`
	ContinuationToken     string           `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string           `xml:"NextContinuationToken,omitempty"`
	StartAfter            string           `xml:"StartAfter,omitempty"`
	Contents              []s3ObjectXML    `xml:"Contents"`
	CommonPrefixes        []s3CommonPrefix `xml:"CommonPrefixes"`
}

type s3ObjectXML struct {
	Key          string
	LastModified string
	ETag         string
	Size         int
	Owner        *s3Owner `xml:",omitempty"`
	StorageClass string
}

type s3CommonPrefix struct{ Prefix string }

// s3ListObjects serves ListObjectsV2 (?list-type=2, continuation tokens) and
// ListObjects (markers).
func s3ListObjects(c *call, bucket, _ string) (any, error) {
	q := c.req.URL.Query()
	v2 := q.Get("list-type") == "2"
	maxKeys := 1000
	if s := q.Get("max-keys"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, apiError(http.StatusBadRequest, "InvalidArgument", "Provided max-keys not an integer or within integer range")
		}
		maxKeys = min(n, 1000)
	}
	encodingType := q.Get("encoding-type")
	if encodingType != "" && encodingType != "url" {
		return nil, apiError(http.StatusBadRequest, "InvalidArgument", "Invalid Encoding Method specified in Request")
	}
	prefix, delimiter := q.Get("prefix"), q.Get("delimiter")
	resume := q.Get("start-after")
	if !v2 {
		resume = q.Get("marker")
	}
	token := q.Get("continuation-token")
	if v2 && q.Has("continuation-token") {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || token == "" {
			return nil, apiError(http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect")
		}
		resume = string(raw)
	}

	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		return nil, err
	}
	enc := func(s string) string {
		if encodingType == "url" {
			return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/")
		}
		return s
	}
	res := &s3ListObjectsResult{Name: bucket, Prefix: enc(prefix), Delimiter: enc(delimiter), MaxKeys: maxKeys, EncodingType: encodingType}
	if v2 {
		res.ContinuationToken = token
		res.StartAfter = enc(q.Get("start-after"))
	} else {
		m := enc(q.Get("marker"))
		res.Marker = &m
	}
	keys := sortedKeys(b.Objects)
	seenPrefix := map[string]bool{}
	count, last := 0, ""
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) || (resume != "" && k <= resume) {
			continue
		}
		if delimiter != "" && resume != "" && strings.HasSuffix(resume, delimiter) && strings.HasPrefix(k, resume) {
			continue // inside the common prefix the previous page ended on
		}
		entry := k
		isPrefix := false
		if delimiter != "" {
			if i := strings.Index(k[len(prefix):], delimiter); i >= 0 {
				entry, isPrefix = k[:len(prefix)+i+len(delimiter)], true
				if seenPrefix[entry] {
					continue
				}
			}
		}
		if count == maxKeys {
			res.IsTruncated = true
			break
		}
		count++
		last = entry
		if isPrefix {
			seenPrefix[entry] = true
			res.CommonPrefixes = append(res.CommonPrefixes, s3CommonPrefix{Prefix: enc(entry)})
			continue
		}
		o := b.Objects[k]
		x := s3ObjectXML{Key: enc(k), LastModified: s3Time(o.LastModified), ETag: o.ETag, Size: len(o.Body), StorageClass: "STANDARD"}
		if !v2 || q.Get("fetch-owner") == "true" {
			x.Owner = &s3Owner{ID: a.canonicalUserID()}
		}
		res.Contents = append(res.Contents, x)
	}
	if v2 {
		res.KeyCount = &count
		if res.IsTruncated {
			res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
		}
	} else if res.IsTruncated && delimiter != "" {
		res.NextMarker = enc(last)
	}
	return res, nil
}

// --- objects -------------------------------------------------------------------

func s3NoSuchKey() *APIError {
	return apiError(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
}

// objectHeaders are the response headers describing o.
func objectHeaders(o *S3Object) http.Header {
	h := http.Header{}
	h.Set("Content-Type", o.ContentType)
	h.Set("ETag", o.ETag)
	h.Set("Last-Modified", o.LastModified.UTC().Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	for k, v := range o.Metadata {
		h.Set("x-amz-meta-"+k, v)
	}
	if o.SSEAlgorithm != "" {
		h.Set("x-amz-server-side-encryption", o.SSEAlgorithm)
	}
	if o.KMSKeyID != "" {
		h.Set("x-amz-server-side-encryption-aws-kms-key-id", o.KMSKeyID)
	}
	if o.BucketKeyEnabled {
		h.Set("x-amz-server-side-encryption-bucket-key-enabled", "true")
	}
	return h
}

var rangePattern = regexp.MustCompile(`^bytes=(\d*)-(\d*)$`)

// s3GetObject serves GetObject and HeadObject (a single byte range included).
func s3GetObject(c *call, bucket, key string) (any, error) {
	a := c.acct
	a.mu.Lock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		a.mu.Unlock()
		return nil, err
	}
	o := b.Objects[key]
	if o == nil {
		a.mu.Unlock()
		return nil, s3NoSuchKey()
	}
	h := objectHeaders(o)
	body := bytes.Clone(o.Body)
	a.mu.Unlock()

	status := http.StatusOK
	if r := c.req.Header.Get("Range"); r != "" && len(body) > 0 {
		m := rangePattern.FindStringSubmatch(r)
		if m != nil && (m[1] != "" || m[2] != "") {
			size := len(body)
			var start int
			end := size - 1 // to the last byte unless the range says otherwise
			switch m[1] {
			case "": // suffix: the last N bytes
				n, _ := strconv.Atoi(m[2])
				start = max(size-n, 0)
			default:
				start, _ = strconv.Atoi(m[1])
				if m[2] != "" {
					end, _ = strconv.Atoi(m[2])
					end = min(end, size-1)
				}
			}
			if start >= size || start > end {
				return nil, apiError(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable")
			}
			h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end, size))
			body, status = body[start:end+1], http.StatusPartialContent
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if c.req.Method == http.MethodHead {
		return &restResponse{status: status, header: h}, nil
	}
	return &restResponse{status: status, header: h, body: body}, nil
}

// s3PutObject stores an object, applying the bucket's default encryption.
func s3PutObject(c *call, bucket, key string) (any, error) {
	if c.req.Header.Get("x-amz-copy-source") != "" {
		return nil, apiError(http.StatusNotImplemented, "NotImplemented", "the SellerDesk sandbox does not implement CopyObject")
	}
	raw, err := c.readBody()
	if err != nil {
		return nil, err
	}
	body, trailers, err := decodeS3Body(c.req, raw)
	if err != nil {
		return nil, err
	}
	if len(key) > 1024 {
		return nil, apiError(http.StatusBadRequest, "KeyTooLongError", "Your key is too long")
	}
	if md5Header := c.req.Header.Get("Content-MD5"); md5Header != "" {
		sum := md5.Sum(body)
		if base64.StdEncoding.EncodeToString(sum[:]) != md5Header {
			return nil, apiError(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.")
		}
	}
	ct := c.req.Header.Get("Content-Type")
	if ct == "" {
		ct = "binary/octet-stream"
	}
	meta := map[string]string{}
	for k, vs := range c.req.Header {
		if name, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-meta-"); ok {
			meta[name] = vs[0]
		}
	}
	sum := md5.Sum(body)
	o := &S3Object{Key: key, Body: body, ContentType: ct, ETag: `"` + hex.EncodeToString(sum[:]) + `"`,
		LastModified: c.now().UTC().Truncate(time.Second), Metadata: meta}

	a := c.acct
	a.mu.Lock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		a.mu.Unlock()
		return nil, err
	}
	if alg := c.req.Header.Get("x-amz-server-side-encryption"); alg != "" {
		o.SSEAlgorithm = alg
		o.KMSKeyID = c.req.Header.Get("x-amz-server-side-encryption-aws-kms-key-id")
		o.BucketKeyEnabled = c.req.Header.Get("x-amz-server-side-encryption-bucket-key-enabled") == "true"
		if strings.HasPrefix(alg, "aws:kms") && o.KMSKeyID == "" {
			o.KMSKeyID = "arn:aws:kms:" + a.Region + ":" + a.ID + ":alias/aws/s3"
		}
	} else {
		b.applyDefaultEncryption(o)
	}
	b.Objects[key] = o
	h := objectHeaders(o)
	a.mu.Unlock()

	out := http.Header{"Etag": {o.ETag}}
	for _, k := range []string{"x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-bucket-key-enabled"} {
		if v := h.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	for _, src := range []http.Header{c.req.Header, trailers} { // echo the checksum the client sent
		for k, vs := range src {
			if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-checksum-") && lk != "x-amz-checksum-type" && len(vs) > 0 {
				out.Set(k, vs[0])
			}
		}
	}
	return &restResponse{header: out}, nil
}

// applyDefaultEncryption encrypts o as the bucket's default rule says
// (SSE-S3 when the bucket has none, as S3 does since 2023).
func (b *S3Bucket) applyDefaultEncryption(o *S3Object) {
	o.SSEAlgorithm, o.KMSKeyID, o.BucketKeyEnabled = "AES256", "", false
	if e := b.Encryption; e != nil && e.SSEAlgorithm != "" {
		o.SSEAlgorithm, o.KMSKeyID = e.SSEAlgorithm, e.KMSMasterKeyID
		o.BucketKeyEnabled = e.BucketKeyEnabled && strings.HasPrefix(e.SSEAlgorithm, "aws:kms")
	}
}

// putObject stores an object on the service's behalf (CAS, scenarios); the
// caller holds a.mu.
func (a *Account) putObject(b *S3Bucket, key string, body []byte, contentType string, now time.Time) *S3Object {
	sum := md5.Sum(body)
	o := &S3Object{Key: key, Body: body, ContentType: contentType, ETag: `"` + hex.EncodeToString(sum[:]) + `"`,
		LastModified: now.UTC().Truncate(time.Second), Metadata: map[string]string{}}
	b.applyDefaultEncryption(o)
	b.Objects[key] = o
	return o
}

func s3DeleteObject(c *call, bucket, key string) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	b, err := a.bucketFor(bucket)
	if err != nil {
		return nil, err
	}
	delete(b.Objects, key)
	return &restResponse{status: http.StatusNoContent}, nil
}

// decodeS3Body undoes aws-chunked transfer encoding (streaming signatures and
// trailing checksums) and returns the payload and any trailing headers.
func decodeS3Body(r *http.Request, raw []byte) ([]byte, http.Header, error) {
	chunked := strings.Contains(strings.ToLower(r.Header.Get("Content-Encoding")), "aws-chunked") ||
		strings.HasPrefix(r.Header.Get("x-amz-content-sha256"), "STREAMING-")
	if !chunked {
		return raw, nil, nil
	}
	incomplete := func(format string, args ...any) error {
		return apiError(http.StatusBadRequest, "IncompleteBody", "The request body terminated unexpectedly: "+format, args...)
	}
	br := bufio.NewReader(bytes.NewReader(raw))
	var body bytes.Buffer
	trailers := http.Header{}
	readLine := func() (string, error) {
		line, err := br.ReadString('\n')
		if err != nil && (!errors.Is(err, io.EOF) || line == "") {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	for {
		line, err := readLine()
		if err != nil {
			return nil, nil, incomplete("missing chunk header")
		}
		sizeHex, _, _ := strings.Cut(line, ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
		if err != nil || size < 0 {
			return nil, nil, incomplete("malformed chunk header %q", line)
		}
		if size == 0 {
			for {
				t, err := readLine()
				if err != nil || t == "" {
					break
				}
				if k, v, ok := strings.Cut(t, ":"); ok && !strings.EqualFold(k, "x-amz-trailer-signature") {
					trailers.Set(strings.TrimSpace(k), strings.TrimSpace(v))
				}
			}
			break
		}
		if _, err := io.CopyN(&body, br, size); err != nil {
			return nil, nil, incomplete("chunk shorter than its declared %d bytes", size)
		}
		if crlf, _ := readLine(); crlf != "" {
			return nil, nil, incomplete("chunk not followed by CRLF")
		}
	}
	if d := r.Header.Get("x-amz-decoded-content-length"); d != "" {
		if n, err := strconv.Atoi(d); err == nil && n != body.Len() {
			return nil, nil, incomplete("decoded %d bytes but x-amz-decoded-content-length is %d", body.Len(), n)
		}
	}
	return body.Bytes(), trailers, nil
}
