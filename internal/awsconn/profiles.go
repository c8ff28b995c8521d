package awsconn

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"gopkg.in/ini.v1"
)

// ParseError reports a malformed config or credentials file.
type ParseError struct {
	File string
	Line int // 1-based; 0 when unknown
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// DuplicateSectionError reports a section defined twice in one file. The
// AWS CLI (botocore's configparser) refuses such a file; the SDK would
// merge the two silently.
type DuplicateSectionError struct {
	File       string
	Section    string // the header's text, e.g. "profile a"
	FirstLine  int
	SecondLine int
}

func (e *DuplicateSectionError) Error() string {
	return fmt.Sprintf("%s: [%s] is defined twice, at lines %d and %d; the AWS CLI refuses this file — merge the two sections",
		e.File, e.Section, e.FirstLine, e.SecondLine)
}

// DuplicateKeyError reports a key set twice in one section of one file.
// botocore's configparser (strict, keys compared in lower case) refuses
// such a file; the SDK would keep the last value silently. The values are
// never shown: they may be secrets.
type DuplicateKeyError struct {
	File       string
	Section    string // the header's text, e.g. "profile a"
	Key        string // as written the second time
	FirstLine  int
	SecondLine int
}

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("%s: %s is set twice in [%s], at lines %d and %d; the AWS CLI refuses this file — keep one of them",
		e.File, e.Key, e.Section, e.FirstLine, e.SecondLine)
}

// Keys read from the files. Secret-bearing keys are only ever tested for
// presence.
const (
	keyAccessKeyID       = "aws_access_key_id"
	keySecretAccessKey   = "aws_secret_access_key"
	keyRegion            = "region"
	keyRoleARN           = "role_arn"
	keySourceProfile     = "source_profile"
	keyCredentialSource  = "credential_source"
	keyMFASerial         = "mfa_serial"
	keyWebIdentityToken  = "web_identity_token_file"
	keyCredentialProcess = "credential_process"
	keySSOSession        = "sso_session"
	keySSOStartURL       = "sso_start_url"
	keySSORegion         = "sso_region"
	keySSOAccountID      = "sso_account_id"
	keySSORoleName       = "sso_role_name"
	keyLoginSession      = "login_session"
)

const (
	profilePrefix    = "profile "
	ssoSessionPrefix = "sso-session "
)

// fileSection is one section of one file after parsing.
type fileSection struct {
	name string // canonical "type name" or "name"
	vals map[string]string
}

// parseINIFile reads one shared config/credentials file. A missing file
// yields no sections and no error; anything but a regular file (a FIFO
// would hang the read) is a *NotRegularFileError naming envVar.
func parseINIFile(path, envVar string) ([]fileSection, bool, error) {
	if path == "" {
		return nil, false, nil
	}
	exists, devNull, err := checkRegularFile(path, envVar)
	if err != nil || !exists {
		return nil, false, err
	}
	if devNull {
		return nil, true, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("reading %s: %w", path, err)
	}
	clean, err := prescan(path, data)
	if err != nil {
		return nil, true, err
	}
	f, err := ini.LoadSources(ini.LoadOptions{
		// Close to botocore's configparser and the SDK's own parser:
		// case-sensitive section names, lower-cased keys, "# ..." and
		// "; ..." comments (inline ones only after whitespace), nested
		// values for "s3 =" / "[services x]" sub-sections, "=" or ":".
		InsensitiveKeys:          true,
		AllowNestedValues:        true,
		SpaceBeforeInlineComment: true,
		SkipUnrecognizableLines:  true,
		KeyValueDelimiters:       "=:",
		// Never let "[profile a.b]" inherit keys from "[profile a]".
		ChildSectionDelimiter: "\x00",
		// prescan has refused duplicate sections (with a map, in linear
		// time); telling ini so skips its own check, a linear scan per
		// section that made 100,000 profiles take a minute.
		AllowNonUniqueSections: true,
	}, clean)
	if err != nil {
		// ini's messages may quote the offending line: do not pass them on.
		return nil, true, &ParseError{File: path, Msg: "cannot parse file"}
	}
	var out []fileSection
	for _, s := range f.Sections() {
		if s.Name() == ini.DefaultSection {
			continue // keys outside sections are rejected by prescan
		}
		fsn := fileSection{name: s.Name(), vals: map[string]string{}}
		for _, k := range s.Keys() {
			fsn.vals[k.Name()] = strings.TrimSpace(k.Value())
		}
		out = append(out, fsn)
	}
	return out, true, nil
}

// prescan validates the file line by line, the way botocore's configparser
// would reject it, and returns a normalised copy (same number of lines,
// canonical section headers) for ini to parse.
func prescan(path string, data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := strings.Split(string(data), "\n")
	var out strings.Builder
	out.Grow(len(data))
	inSection := false
	haveKey := false
	seen := map[string]int{} // raw section name -> line of its header
	var section string
	var keys map[string]int // lower-case key -> line, in the current section
	for i, line := range lines {
		lineNo := i + 1
		line = strings.TrimSuffix(line, "\r")
		trimmed := strings.TrimSpace(line)
		indented := line != "" && (line[0] == ' ' || line[0] == '\t')
		switch {
		case trimmed == "":
		case trimmed[0] == '#' || trimmed[0] == ';':
		case indented && haveKey:
			// Continuation or nested value ("s3 =\n  key = value").
		case trimmed[0] == '[':
			name, err := parseHeader(trimmed)
			if err != "" {
				return nil, &ParseError{File: path, Line: lineNo, Msg: err}
			}
			// botocore's configparser (strict) refuses a section whose
			// header text repeats exactly; "[profile  a]" and
			// "[profile a]" are two sections to it, merged later.
			raw := trimmed[1:strings.IndexByte(trimmed, ']')]
			if first, dup := seen[raw]; dup {
				return nil, &DuplicateSectionError{File: path, Section: raw, FirstLine: first, SecondLine: lineNo}
			}
			seen[raw] = lineNo
			section, keys = raw, map[string]int{}
			line = "[" + name + "]"
			inSection = true
			haveKey = false
		default:
			if !inSection {
				return nil, &ParseError{File: path, Line: lineNo,
					Msg: "line is outside any [section]: expected a section header such as [default] or [profile NAME]"}
			}
			idx := strings.IndexAny(trimmed, "=:")
			if idx < 0 {
				return nil, &ParseError{File: path, Line: lineNo, Msg: `expected "key = value"`}
			}
			key := strings.TrimSpace(trimmed[:idx])
			if key == "" {
				return nil, &ParseError{File: path, Line: lineNo, Msg: `missing key name before "="`}
			}
			if first, dup := keys[strings.ToLower(key)]; dup {
				return nil, &DuplicateKeyError{File: path, Section: section, Key: key, FirstLine: first, SecondLine: lineNo}
			}
			keys[strings.ToLower(key)] = lineNo
			haveKey = true
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return []byte(out.String()), nil
}

// parseHeader returns the canonical name for a "[...]" line, or an error
// message.
func parseHeader(trimmed string) (string, string) {
	end := strings.IndexByte(trimmed, ']')
	if end < 0 {
		return "", `unterminated section header: missing "]"`
	}
	rest := strings.TrimSpace(trimmed[end+1:])
	if rest != "" && rest[0] != '#' && rest[0] != ';' {
		return "", `unexpected text after section header "]"`
	}
	name := strings.TrimSpace(trimmed[1:end])
	if name == "" {
		return "", "empty section name"
	}
	if i := strings.IndexAny(name, " \t"); i >= 0 {
		name = name[:i] + " " + strings.TrimLeft(name[i:], " \t")
	}
	return name, ""
}

// rawProfile is a merged profile before classification.
type rawProfile struct {
	name     string
	vals     map[string]string
	sources  []string
	problems []string
}

func (r *rawProfile) get(k string) string { return r.vals[k] }
func (r *rawProfile) has(k string) bool   { return r.vals[k] != "" }

func (r *rawProfile) addSource(path string) {
	for _, s := range r.sources {
		if s == path {
			return
		}
	}
	r.sources = append(r.sources, path)
}

// merge copies vals into r. A file section holding only half of a static
// key pair is a problem (the SDK refuses such profiles); as in the SDK, the
// later file's verdict replaces the earlier one's.
func (r *rawProfile) merge(path string, vals map[string]string) {
	r.problems = nil
	ak, sk := vals[keyAccessKeyID] != "", vals[keySecretAccessKey] != ""
	if ak != sk {
		missing := keySecretAccessKey
		if !ak {
			missing = keyAccessKeyID
		}
		r.problems = []string{fmt.Sprintf("%s is missing in %s (partial static credentials)", missing, path)}
	}
	for k, v := range vals {
		r.vals[k] = v
	}
	r.addSource(path)
}

// profileSet is the parsed, merged view of both files.
type profileSet struct {
	raw      map[string]*rawProfile
	sessions map[string]map[string]string // [sso-session NAME]
}

func loadProfileSet(f Files) (*profileSet, error) {
	ps := &profileSet{raw: map[string]*rawProfile{}, sessions: map[string]map[string]string{}}
	get := func(name string) *rawProfile {
		r := ps.raw[name]
		if r == nil {
			r = &rawProfile{name: name, vals: map[string]string{}}
			ps.raw[name] = r
		}
		return r
	}

	cfgSections, _, err := parseINIFile(f.Config, "AWS_CONFIG_FILE")
	if err != nil {
		return nil, err
	}
	// "[profile default]" wins over "[default]" (as in the SDK).
	sort.SliceStable(cfgSections, func(i, j int) bool {
		return cfgSections[i].name == "default" && cfgSections[j].name != "default"
	})
	replacedDefault := false
	for _, s := range cfgSections {
		switch {
		case s.name == "default":
			get("default").merge(f.Config, s.vals)
		case strings.HasPrefix(s.name, profilePrefix):
			name := strings.TrimPrefix(s.name, profilePrefix)
			if name == "default" && !replacedDefault {
				delete(ps.raw, "default")
				replacedDefault = true
			}
			get(name).merge(f.Config, s.vals)
		case strings.HasPrefix(s.name, ssoSessionPrefix):
			name := strings.TrimPrefix(s.name, ssoSessionPrefix)
			m := ps.sessions[name]
			if m == nil {
				m = map[string]string{}
				ps.sessions[name] = m
			}
			for k, v := range s.vals {
				m[k] = v
			}
		default:
			// "[services x]", and "[x]" without the "profile " prefix,
			// which the CLI ignores in the config file.
		}
	}

	credSections, _, err := parseINIFile(f.Credentials, "AWS_SHARED_CREDENTIALS_FILE")
	if err != nil {
		return nil, err
	}
	for _, s := range credSections {
		if strings.HasPrefix(s.name, profilePrefix) {
			continue // not valid in the credentials file (SDK drops it)
		}
		get(s.name).merge(f.Credentials, s.vals)
	}
	return ps, nil
}

// ListProfiles parses the config and credentials files and returns every
// profile, "default" first and the rest sorted by name. Missing files are
// not an error; malformed files yield a *ParseError.
func ListProfiles(f Files) ([]Profile, error) {
	ps, err := loadProfileSet(f)
	if err != nil {
		return nil, err
	}
	m := ps.classifyAll()
	out := make([]Profile, 0, len(m))
	for _, p := range m {
		out = append(out, p)
	}
	sortProfiles(out)
	return out, nil
}

func sortProfiles(ps []Profile) {
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i].Name, ps[j].Name
		if (a == "default") != (b == "default") {
			return a == "default"
		}
		return a < b
	})
}

func (ps *profileSet) classifyAll() map[string]Profile {
	out := make(map[string]Profile, len(ps.raw))
	for name, r := range ps.raw {
		out[name] = ps.classify(r)
	}
	// Second pass: problems along source_profile chains, judged on the
	// first-pass results so the outcome does not depend on map order.
	first := make(map[string]Profile, len(out))
	for name, p := range out {
		first[name] = p
	}
	for name, p := range first {
		if p.SourceProfile == "" || p.RoleARN == "" {
			continue
		}
		if msg := chainProblem(first, name); msg != "" {
			p.Problem = joinProblems(p.Problem, msg)
			out[name] = p
		}
	}
	return out
}

var validCredentialSources = map[string]bool{
	"Environment":         true,
	"EcsContainer":        true,
	"Ec2InstanceMetadata": true,
}

// classify determines the Kind of one profile. The order follows the Go SDK
// (config.resolveCredsFromProfile), which is what Load uses: role_arn with a
// source > web identity > static keys > SSO > login > credential_process.
func (ps *profileSet) classify(r *rawProfile) Profile {
	p := Profile{
		Name:              r.name,
		Region:            r.get(keyRegion),
		Sources:           append([]string(nil), r.sources...),
		SSOSession:        r.get(keySSOSession),
		SSOStartURL:       r.get(keySSOStartURL),
		SSORegion:         r.get(keySSORegion),
		SSOAccountID:      r.get(keySSOAccountID),
		SSORoleName:       r.get(keySSORoleName),
		RoleARN:           r.get(keyRoleARN),
		SourceProfile:     r.get(keySourceProfile),
		CredentialSource:  r.get(keyCredentialSource),
		MFASerial:         r.get(keyMFASerial),
		HasStaticKeys:     r.has(keyAccessKeyID) && r.has(keySecretAccessKey),
		CredentialProcess: r.has(keyCredentialProcess),
	}
	problems := append([]string(nil), r.problems...)
	webID := r.has(keyWebIdentityToken)
	legacySSO := p.SSOStartURL != "" || p.SSORegion != "" || p.SSOAccountID != "" || p.SSORoleName != ""
	hasSSO := p.SSOSession != "" || legacySSO
	login := r.has(keyLoginSession)

	// The SDK allows only one of these per profile.
	n := 0
	for _, b := range []bool{p.SourceProfile != "", p.CredentialSource != "", p.CredentialProcess, webID} {
		if b {
			n++
		}
	}
	if n > 1 {
		problems = append(problems, "only one of source_profile, credential_source, credential_process and web_identity_token_file may be set")
	}

	switch {
	case p.RoleARN != "" && webID && p.SourceProfile == "" && p.CredentialSource == "":
		p.Kind = KindWebIdentity
	case p.RoleARN != "":
		p.Kind = KindAssumeRole
		if p.MFASerial != "" {
			p.Kind = KindAssumeRoleMFA
		}
		if p.SourceProfile == "" && p.CredentialSource == "" && !p.HasStaticKeys && !hasSSO && !p.CredentialProcess && !login {
			problems = append(problems, "role_arn is set but neither source_profile nor credential_source is")
		}
	case p.SourceProfile != "" || p.CredentialSource != "":
		p.Kind = KindAssumeRole
		key := keySourceProfile
		if p.SourceProfile == "" {
			key = keyCredentialSource
		}
		problems = append(problems, key+" is set but role_arn is missing")
	case webID:
		p.Kind = KindWebIdentity
		problems = append(problems, "web_identity_token_file is set but role_arn is missing")
	case p.HasStaticKeys:
		p.Kind = KindStatic
	case hasSSO:
		p.Kind = KindSSO
	case login:
		p.Kind = KindLogin
	case p.CredentialProcess:
		p.Kind = KindCredentialProcess
	default:
		p.Kind = KindIncomplete
		if len(problems) == 0 {
			problems = append(problems, "no credentials are configured for this profile (no keys, SSO, role or credential_process)")
		}
	}

	if p.CredentialSource != "" && p.RoleARN != "" {
		switch {
		case !validCredentialSources[p.CredentialSource]:
			problems = append(problems, fmt.Sprintf("credential_source %q is not one of Environment, EcsContainer, Ec2InstanceMetadata", p.CredentialSource))
		case p.CredentialSource == "Ec2InstanceMetadata":
			problems = append(problems, "credential_source Ec2InstanceMetadata needs the EC2 instance metadata service, which SellerDesk does not use")
		}
	}

	// SSO settings: the sso-session section must exist (the SDK checks this
	// whatever the kind), and an SSO profile needs its account and role.
	if p.SSOSession != "" {
		sess, ok := ps.sessions[p.SSOSession]
		if !ok {
			problems = append(problems, fmt.Sprintf("sso_session %q refers to a missing [sso-session %s] section", p.SSOSession, p.SSOSession))
		} else {
			su, sr := sess[keySSOStartURL], sess[keySSORegion]
			if p.SSOStartURL != "" && su != "" && p.SSOStartURL != su {
				problems = append(problems, fmt.Sprintf("sso_start_url does not match the one in [sso-session %s]", p.SSOSession))
			}
			if p.SSORegion != "" && sr != "" && p.SSORegion != sr {
				problems = append(problems, fmt.Sprintf("sso_region does not match the one in [sso-session %s]", p.SSOSession))
			}
			if su != "" {
				p.SSOStartURL = su
			}
			if sr != "" {
				p.SSORegion = sr
			}
			if p.Kind == KindSSO {
				var missing []string
				if su == "" {
					missing = append(missing, keySSOStartURL)
				}
				if sr == "" {
					missing = append(missing, keySSORegion)
				}
				if len(missing) > 0 {
					problems = append(problems, fmt.Sprintf("[sso-session %s] is missing %s", p.SSOSession, strings.Join(missing, ", ")))
				}
			}
		}
	}
	if p.Kind == KindSSO {
		var missing []string
		if p.SSOSession == "" {
			if p.SSOStartURL == "" {
				missing = append(missing, keySSOStartURL)
			}
			if p.SSORegion == "" {
				missing = append(missing, keySSORegion)
			}
		}
		if p.SSOAccountID == "" {
			missing = append(missing, keySSOAccountID)
		}
		if p.SSORoleName == "" {
			missing = append(missing, keySSORoleName)
		}
		if len(missing) > 0 {
			problems = append(problems, "SSO profile is missing "+strings.Join(missing, ", "))
		}
	}
	p.Problem = strings.Join(problems, "; ")
	return p
}

// chainProblem follows source_profile links from name and reports a missing
// profile, a cycle, or a source without credentials. It mirrors the SDK:
// a source profile with static keys ends the chain (even when it is the
// profile itself), otherwise a source that assumes a role is followed.
func chainProblem(all map[string]Profile, name string) string {
	visited := map[string]bool{name: true}
	path := []string{name}
	cur := all[name].SourceProfile
	for {
		p, ok := all[cur]
		if !ok {
			return fmt.Sprintf("source_profile %q does not exist", cur)
		}
		if p.HasStaticKeys {
			return ""
		}
		path = append(path, cur)
		if visited[cur] {
			return "source_profile chain has a cycle: " + strings.Join(path, " -> ")
		}
		visited[cur] = true
		if p.RoleARN != "" && p.SourceProfile != "" {
			cur = p.SourceProfile
			continue
		}
		if p.Kind == KindIncomplete {
			return fmt.Sprintf("source profile %q has no credentials", cur)
		}
		if p.Problem != "" {
			return fmt.Sprintf("source profile %q: %s", cur, p.Problem)
		}
		return ""
	}
}

// baseProfile returns the profile at the end of name's source_profile chain
// (the one that supplies the first credentials), or name itself.
func baseProfile(all map[string]Profile, name string) Profile {
	p := all[name]
	seen := map[string]bool{}
	for p.RoleARN != "" && p.SourceProfile != "" && !seen[p.Name] {
		seen[p.Name] = true
		src, ok := all[p.SourceProfile]
		if !ok {
			break
		}
		p = src
		if p.HasStaticKeys {
			break
		}
	}
	return p
}

func joinProblems(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
