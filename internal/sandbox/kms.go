package sandbox

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// KMS: AWS JSON 1.1 (X-Amz-Target TrentService.<Op>) over the keys and
// aliases the CloudFormation engine created.
func init() {
	handleJSON("kms", "1.1", "TrentService", map[string]jsonHandler{
		"DescribeKey":  jsonOp(kmsDescribeKey),
		"GetKeyPolicy": jsonOp(kmsGetKeyPolicy),
		"PutKeyPolicy": jsonOp(kmsPutKeyPolicy),
		"ListKeys":     jsonOp(kmsListKeys),
		"ListAliases":  jsonOp(kmsListAliases),
	})
}

func kmsValidation(field string) *APIError {
	return apiError(http.StatusBadRequest, "ValidationException",
		"1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

// keyFor resolves a KeyId (ID, key ARN, alias name or alias ARN) the way KMS
// does, with its NotFoundException messages (caller holds a.mu).
func (a *Account) keyFor(ref string) (*KMSKey, error) {
	if k := a.findKey(ref); k != nil {
		return k, nil
	}
	switch {
	case strings.HasPrefix(ref, "alias/"):
		return nil, apiError(http.StatusBadRequest, "NotFoundException", "Alias arn:aws:kms:%s:%s:%s is not found.", a.Region, a.ID, ref)
	case strings.Contains(ref, ":alias/"):
		return nil, apiError(http.StatusBadRequest, "NotFoundException", "Alias %s is not found.", ref)
	case strings.Contains(ref, ":key/"):
		return nil, apiError(http.StatusBadRequest, "NotFoundException", "Key '%s' does not exist", ref)
	case len(ref) == 36 && strings.Count(ref, "-") == 4, strings.HasPrefix(ref, "mrk-"):
		return nil, apiError(http.StatusBadRequest, "NotFoundException", "Key 'arn:aws:kms:%s:%s:key/%s' does not exist", a.Region, a.ID, ref)
	default:
		return nil, apiError(http.StatusBadRequest, "NotFoundException", "Invalid keyId '%s'", ref)
	}
}

type kmsKeyIDInput struct {
	KeyId       *string
	PolicyName  *string
	GrantTokens []string
}

type kmsKeyMetadata struct {
	AWSAccountId                string
	KeyId                       string
	Arn                         string
	CreationDate                float64
	Enabled                     bool
	Description                 string
	KeyUsage                    string
	KeyState                    string
	DeletionDate                *float64 `json:",omitempty"`
	PendingDeletionWindowInDays *int     `json:",omitempty"`
	Origin                      string
	KeyManager                  string
	CustomerMasterKeySpec       string
	KeySpec                     string
	EncryptionAlgorithms        []string `json:",omitempty"`
	SigningAlgorithms           []string `json:",omitempty"`
	MacAlgorithms               []string `json:",omitempty"`
	MultiRegion                 bool
}

// epochSeconds is how AWS JSON protocols send timestamps.
func epochSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func kmsDescribeKey(c *call, in *kmsKeyIDInput) (any, error) {
	if in.KeyId == nil {
		return nil, kmsValidation("keyId")
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	k, err := a.keyFor(*in.KeyId)
	if err != nil {
		return nil, err
	}
	md := kmsKeyMetadata{AWSAccountId: a.ID, KeyId: k.KeyID, Arn: k.ARN, CreationDate: epochSeconds(k.CreationDate),
		Enabled: k.Enabled, Description: k.Description, KeyUsage: k.KeyUsage, KeyState: k.KeyState,
		Origin: "AWS_KMS", KeyManager: "CUSTOMER", CustomerMasterKeySpec: k.KeySpec, KeySpec: k.KeySpec, MultiRegion: k.MultiRegion}
	switch {
	case k.KeyUsage == "ENCRYPT_DECRYPT" && k.KeySpec == "SYMMETRIC_DEFAULT":
		md.EncryptionAlgorithms = []string{"SYMMETRIC_DEFAULT"}
	case k.KeyUsage == "ENCRYPT_DECRYPT" && strings.HasPrefix(k.KeySpec, "RSA"):
		md.EncryptionAlgorithms = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
	case k.KeyUsage == "SIGN_VERIFY" && strings.HasPrefix(k.KeySpec, "RSA"):
		md.SigningAlgorithms = []string{"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
			"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"}
	case k.KeyUsage == "SIGN_VERIFY":
		md.SigningAlgorithms = []string{"ECDSA_SHA_256"}
	case k.KeyUsage == "GENERATE_VERIFY_MAC":
		md.MacAlgorithms = []string{"HMAC_" + strings.TrimPrefix(k.KeySpec, "HMAC_")}
	}
	if k.KeyState == "PendingDeletion" {
		d := epochSeconds(k.DeletionDate)
		w := k.PendingWindowInDays
		md.DeletionDate, md.PendingDeletionWindowInDays = &d, &w
	}
	return map[string]any{"KeyMetadata": md}, nil
}

func kmsGetKeyPolicy(c *call, in *kmsKeyIDInput) (any, error) {
	if in.KeyId == nil {
		return nil, kmsValidation("keyId")
	}
	name := "default"
	if in.PolicyName != nil {
		name = *in.PolicyName
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	k, err := a.keyFor(*in.KeyId)
	if err != nil {
		return nil, err
	}
	if name != "default" {
		return nil, apiError(http.StatusBadRequest, "NotFoundException", "No such policy exists: %s (the only key policy name is \"default\")", name)
	}
	return map[string]string{"Policy": k.Policy, "PolicyName": "default"}, nil
}

type kmsListInput struct {
	Limit  *int
	Marker string
	KeyId  string
}

// kmsPage pages items by a numeric marker, as KMS's opaque markers.
func kmsPage(in *kmsListInput, n int) (start, end int, next string, err error) {
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 1000 {
			return 0, 0, "", apiError(http.StatusBadRequest, "ValidationException",
				"1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000", *in.Limit)
		}
		limit = *in.Limit
	}
	if in.Marker != "" {
		start, err = strconv.Atoi(strings.TrimPrefix(in.Marker, "sandbox-"))
		if err != nil || start < 0 || start > n || !strings.HasPrefix(in.Marker, "sandbox-") {
			return 0, 0, "", apiError(http.StatusBadRequest, "InvalidMarkerException", "Invalid marker")
		}
	}
	end = min(start+limit, n)
	if end < n {
		next = "sandbox-" + strconv.Itoa(end)
	}
	return start, end, next, nil
}

func kmsListKeys(c *call, in *kmsListInput) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	ids := sortedKeys(a.kmsKeys)
	start, end, next, err := kmsPage(in, len(ids))
	if err != nil {
		return nil, err
	}
	keys := []map[string]string{}
	for _, id := range ids[start:end] {
		keys = append(keys, map[string]string{"KeyId": id, "KeyArn": a.kmsKeys[id].ARN})
	}
	out := map[string]any{"Keys": keys, "Truncated": next != ""}
	if next != "" {
		out["NextMarker"] = next
	}
	return out, nil
}

type kmsAliasJSON struct {
	AliasName       string
	AliasArn        string
	TargetKeyId     string  `json:",omitempty"`
	CreationDate    float64 `json:",omitempty"`
	LastUpdatedDate float64 `json:",omitempty"`
}

func kmsListAliases(c *call, in *kmsListInput) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	var target *KMSKey
	if in.KeyId != "" {
		k, err := a.keyFor(in.KeyId)
		if err != nil {
			return nil, err
		}
		target = k
	}
	var names []string
	for _, name := range sortedKeys(a.kmsAliases) {
		if target == nil || a.kmsAliases[name] == target.KeyID {
			names = append(names, name)
		}
	}
	start, end, next, err := kmsPage(in, len(names))
	if err != nil {
		return nil, err
	}
	aliases := []kmsAliasJSON{}
	for _, name := range names[start:end] {
		k := a.kmsKeys[a.kmsAliases[name]]
		al := kmsAliasJSON{AliasName: name, AliasArn: "arn:aws:kms:" + a.Region + ":" + a.ID + ":" + name, TargetKeyId: a.kmsAliases[name]}
		if k != nil {
			al.CreationDate, al.LastUpdatedDate = epochSeconds(k.CreationDate), epochSeconds(k.CreationDate)
		}
		aliases = append(aliases, al)
	}
	out := map[string]any{"Aliases": aliases, "Truncated": next != ""}
	if next != "" {
		out["NextMarker"] = next
	}
	return out, nil
}
