package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// Test-only services, one per protocol, registered exactly like real ones.
func init() {
	type echoIn struct {
		Name  string
		Count int
	}
	handleJSON("sbx-json", "1.1", "SandboxTest_20250101", map[string]jsonHandler{
		"Echo": jsonOp(func(c *call, in *echoIn) (any, error) {
			return map[string]any{"Name": in.Name, "Count": in.Count, "Account": c.acct.ID}, nil
		}),
		"Empty": jsonOp(func(c *call, in *struct{}) (any, error) { return nil, nil }),
		"Fail": func(c *call, body []byte) (any, error) {
			return nil, apiError(http.StatusNotFound, "NotFoundException", "no such thing")
		},
		"Broken": func(c *call, body []byte) (any, error) { return nil, errors.New("boom") },
		"Panic":  func(c *call, body []byte) (any, error) { panic("kaboom") },
	})
	handleQuery("sbx-query", "2025-01-01", "https://sandbox.example/doc/2025-01-01/", map[string]queryHandler{
		"Echo": func(c *call, p queryParams) (any, error) {
			type tag struct{ Key, Value string }
			res := struct {
				Names []string `xml:"Names>member"`
				Tags  []tag    `xml:"Tags>member"`
			}{Names: p.list("Names.member")}
			for _, s := range p.structs("Tags.member") {
				res.Tags = append(res.Tags, tag{s.get("Key"), s.get("Value")})
			}
			return &res, nil
		},
		"Void": func(c *call, p queryParams) (any, error) { return nil, nil },
	})
	handleRESTJSON("sbx-restjson",
		restRoute{"GetThing", "GET /things/{id}", func(c *call) (any, error) {
			if c.req.PathValue("id") == "missing" {
				return nil, apiError(http.StatusNotFound, "ResourceNotFoundException", "thing missing not found")
			}
			return map[string]string{"Id": c.req.PathValue("id")}, nil
		}},
		restRoute{"PutThing", "PUT /things/{id}", func(c *call) (any, error) {
			var in struct{ Color string }
			if err := c.decodeJSONBody(&in); err != nil {
				return nil, err
			}
			return &restResponse{status: http.StatusCreated, header: http.Header{"Location": {"/things/" + c.req.PathValue("id")}},
				body: map[string]string{"Id": c.req.PathValue("id"), "Color": in.Color}}, nil
		}},
		restRoute{"CreateToken", "POST /token", func(c *call) (any, error) {
			return map[string]string{"accessToken": "sandbox-token"}, nil
		}},
	)
	acceptUnsigned("sbx-restjson", func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/token" })
	handleRESTXML("sbx-restxml",
		restRoute{"ListObjects", "GET /{bucket}", func(c *call) (any, error) {
			if c.req.PathValue("bucket") != "sandbox-bucket" {
				return nil, apiError(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
			}
			return struct {
				XMLName xml.Name `xml:"ListBucketResult"`
				Name    string
			}{Name: c.req.PathValue("bucket")}, nil
		}},
		restRoute{"GetObject", "GET /{bucket}/{key...}", func(c *call) (any, error) {
			return &restResponse{header: http.Header{"Content-Type": {"text/plain"}}, body: []byte("key=" + c.req.PathValue("key"))}, nil
		}},
	)
}

func TestProtocols(t *testing.T) {
	srv, logs := startSandbox(t, "fresh")
	auth := func(service string, extra ...string) map[string]string {
		h := map[string]string{"Authorization": fakeAuth(service)}
		for i := 0; i+1 < len(extra); i += 2 {
			h[extra[i]] = extra[i+1]
		}
		return h
	}
	const (
		amznID = "x-amzn-RequestId"
		s3ID   = "x-amz-request-id"
	)
	s3IDPattern := regexp.MustCompile(`^[0-9A-F]{16}$`)
	tests := []struct {
		name        string
		method      string
		path        string
		header      map[string]string
		body        string
		wantStatus  int
		wantIDIn    string // request-ID header
		wantType    string // Content-Type prefix
		wantErrCode string // JSON __type / x-amzn-ErrorType / XML Code
		wantBody    string // substring
	}{
		// JSON 1.1
		{"json ok", "POST", "/", auth("sbx-json", "X-Amz-Target", "SandboxTest_20250101.Echo", "Content-Type", "application/x-amz-json-1.1"),
			`{"Name":"a","Count":3}`, 200, amznID, "application/x-amz-json-1.1", "", `"Account":"111122223333"`},
		{"json empty body and nil result", "POST", "/", auth("sbx-json", "X-Amz-Target", "SandboxTest_20250101.Empty"),
			"", 200, amznID, "application/x-amz-json-1.1", "", `{}`},
		{"json unknown op", "POST", "/", auth("sbx-json", "X-Amz-Target", "SandboxTest_20250101.Nope"),
			`{}`, 400, amznID, "application/x-amz-json-1.1", "UnknownOperationException", "SandboxTest_20250101.Nope"},
		{"json wrong prefix", "POST", "/", auth("sbx-json", "X-Amz-Target", "Other.Echo"),
			`{}`, 400, amznID, "application/x-amz-json-1.1", "UnknownOperationException", ""},
		{"json no target", "POST", "/", auth("sbx-json"),
			`{}`, 400, amznID, "application/x-amz-json-1.1", "UnknownOperationException", ""},
		{"json bad body", "POST", "/", auth("sbx-json", "X-Amz-Target", "SandboxTest_20250101.Echo"),
			`{"Count":"three"}`, 400, amznID, "application/x-amz-json-1.1", "SerializationException", ""},
		{"json service error", "POST", "/", auth("sbx-json", "X-Amz-Target", "SandboxTest_20250101.Fail"),
			`{}`, 404, amznID, "application/x-amz-json-1.1", "NotFoundException", "no such thing"},
		{"json internal error", "POST", "/", auth("sbx-json", "X-Amz-Target", "SandboxTest_20250101.Broken"),
			`{}`, 500, amznID, "application/x-amz-json-1.1", "InternalFailure", "boom"},
		{"json panic", "POST", "/", auth("sbx-json", "X-Amz-Target", "SandboxTest_20250101.Panic"),
			`{}`, 500, amznID, "application/x-amz-json-1.1", "InternalFailure", "kaboom"},
		{"json 1.0 missing auth", "POST", "/", map[string]string{"X-Amz-Target": "AmazonSQS.ListQueues", "Content-Type": "application/x-amz-json-1.0"},
			`{}`, 403, amznID, "application/x-amz-json-1.0", "MissingAuthenticationTokenException", "SigV4"},
		{"json unknown service", "POST", "/", auth("dynamodb", "X-Amz-Target", "DynamoDB_20120810.ListTables", "Content-Type", "application/x-amz-json-1.0"),
			`{}`, 501, amznID, "application/x-amz-json-1.0", "NotImplemented", `does not implement service \"dynamodb\"`},

		// awsquery lists and structures
		{"query lists", "POST", "/", auth("sbx-query", "Content-Type", "application/x-www-form-urlencoded"),
			"Action=Echo&Version=2025-01-01&Names.member.1=a&Names.member.2=b&Tags.member.2.Key=k2&Tags.member.1.Key=k1&Tags.member.1.Value=v1&Tags.member.2.Value=v2",
			200, amznID, "text/xml", "",
			`<EchoResult><Names><member>a</member><member>b</member></Names><Tags><member><Key>k1</Key><Value>v1</Value></member><member><Key>k2</Key><Value>v2</Value></member></Tags></EchoResult>`},
		{"query void result", "POST", "/", auth("sbx-query", "Content-Type", "application/x-www-form-urlencoded"),
			"Action=Void&Version=2025-01-01", 200, amznID, "text/xml", "",
			`<VoidResponse xmlns="https://sandbox.example/doc/2025-01-01/"><ResponseMetadata><RequestId>`},

		// REST-JSON
		{"rest-json get", "GET", "/things/t-1", auth("sbx-restjson"), "", 200, amznID, "application/json", "", `{"Id":"t-1"}`},
		{"rest-json custom status", "PUT", "/things/t-2", auth("sbx-restjson", "Content-Type", "application/json"), `{"Color":"red"}`,
			201, amznID, "application/json", "", `"Color":"red"`},
		{"rest-json error", "GET", "/things/missing", auth("sbx-restjson"), "", 404, amznID, "application/json", "ResourceNotFoundException", "thing missing not found"},
		{"rest-json unknown route", "DELETE", "/things/t-1", auth("sbx-restjson"), "", 404, amznID, "application/json", "UnknownOperationException", "DELETE /things/t-1"},
		{"rest-json unsigned allowed route", "POST", "/token", map[string]string{"Content-Type": "application/json"}, `{}`, 200, amznID, "application/json", "", "sandbox-token"},
		{"rest-json unsigned elsewhere", "GET", "/things/t-1", map[string]string{"Content-Type": "application/json"}, "", 403, amznID, "application/json", "MissingAuthenticationTokenException", ""},

		// REST-XML
		{"rest-xml ok", "GET", "/sandbox-bucket", auth("sbx-restxml"), "", 200, s3ID, "application/xml", "", `<ListBucketResult><Name>sandbox-bucket</Name></ListBucketResult>`},
		{"rest-xml raw body", "GET", "/sandbox-bucket/a/b.txt", auth("sbx-restxml"), "", 200, s3ID, "text/plain", "", `key=a/b.txt`},
		{"rest-xml error", "GET", "/other-bucket", auth("sbx-restxml"), "", 404, s3ID, "application/xml", "NoSuchBucket", "<Message>The specified bucket does not exist</Message>"},
		{"rest-xml head error has no body", "HEAD", "/other-bucket", auth("sbx-restxml"), "", 404, s3ID, "", "", ""},
		{"rest-xml unknown route", "DELETE", "/sandbox-bucket", auth("sbx-restxml"), "", 501, s3ID, "application/xml", "NotImplemented", ""},
		{"rest-xml missing auth", "GET", "/sandbox-bucket", nil, "", 403, s3ID, "application/xml", "AccessDenied", "SigV4"},
		{"rest-xml presigned", "GET", "/sandbox-bucket?" + presignedQuery("sbx-restxml"),
			nil, "", 200, s3ID, "application/xml", "", "<Name>sandbox-bucket</Name>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := rawRequest(t, srv, tt.method, tt.path, tt.header, tt.body)
			if resp.status != tt.wantStatus {
				t.Errorf("status = %d, want %d; body %s", resp.status, tt.wantStatus, resp.body)
			}
			id := resp.header.Get(tt.wantIDIn)
			switch tt.wantIDIn {
			case amznID:
				if !uuidPattern.MatchString(id) {
					t.Errorf("%s = %q, want a UUID", tt.wantIDIn, id)
				}
			case s3ID:
				if !s3IDPattern.MatchString(id) || resp.header.Get("x-amz-id-2") == "" {
					t.Errorf("%s = %q / x-amz-id-2 %q", tt.wantIDIn, id, resp.header.Get("x-amz-id-2"))
				}
			}
			if ct := resp.header.Get("Content-Type"); tt.wantType != "" && !strings.HasPrefix(ct, tt.wantType) {
				t.Errorf("Content-Type = %q, want %q", ct, tt.wantType)
			}
			if !strings.Contains(resp.body, tt.wantBody) {
				t.Errorf("body %s does not contain %s", resp.body, tt.wantBody)
			}
			if tt.wantErrCode != "" {
				checkErrorShape(t, resp, tt.wantErrCode, id)
			}
		})
	}
	for _, want := range []string{
		"sbx-json Echo 200 request-id=", "sbx-json Panic 500", "sbx-restjson GetThing 404", "sbx-restxml ListObjects 200",
		"dynamodb DynamoDB_20120810.ListTables 501", "sbx-restjson CreateToken 200",
	} {
		if !strings.Contains(logs.all(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.all())
		}
	}
}

// checkErrorShape checks the error body for the protocol given by Content-Type.
func checkErrorShape(t *testing.T, resp rawResponse, code, requestID string) {
	t.Helper()
	ct := resp.header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/x-amz-json-"), ct == "application/json":
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal([]byte(resp.body), &e); err != nil || e.Type != code || e.Message == "" {
			t.Errorf("JSON error body %s (err %v), want __type %s and a message", resp.body, err, code)
		}
		if ct == "application/json" && resp.header.Get("x-amzn-ErrorType") != code {
			t.Errorf("x-amzn-ErrorType = %q, want %s", resp.header.Get("x-amzn-ErrorType"), code)
		}
	case ct == "application/xml":
		var e restXMLError
		if err := xml.Unmarshal([]byte(resp.body), &e); err != nil || e.Code != code || e.Message == "" || e.RequestID != requestID {
			t.Errorf("XML error body %s (err %v), want Code %s, a message and RequestId %s", resp.body, err, code, requestID)
		}
	default:
		t.Errorf("unexpected error Content-Type %q", ct)
	}
}

func TestQueryParams(t *testing.T) {
	p := queryParams{
		"A.member.1": {"x"}, "A.member.2": {"y"}, "A.member.4": {"gap"},
		"P.member.1.ParameterKey": {"k"}, "P.member.1.ParameterValue": {"v"},
		"P.member.2.ParameterKey": {"k2"}, "P.member.x.ParameterKey": {"bad"},
	}
	if got := strings.Join(p.list("A.member"), ","); got != "x,y" {
		t.Errorf("list = %q", got)
	}
	if got := p.list("Missing.member"); got != nil {
		t.Errorf("list(missing) = %v", got)
	}
	s := p.structs("P.member")
	if len(s) != 2 || s[0].get("ParameterKey") != "k" || s[0].get("ParameterValue") != "v" || s[1].get("ParameterKey") != "k2" {
		t.Errorf("structs = %v", s)
	}
}
