// Package awserr classifies an error once, by its type, and explains it in
// the user's words with the next step, keeping AWS's error code and request
// ID. The window (through Wails' ErrorFormatter) and the CLI (Render) show
// the same thing.
package awserr

//go:generate go run ./gen -o ../../frontend/src/api/errorKinds.ts

// Kind is what went wrong, in a few words the page and the CLI can switch on.
type Kind string

// The kinds. Kinds lists them in the order the TypeScript union has them;
// frontend/src/api/errorKinds.ts is generated from it (go generate).
const (
	// AWS answered, and said no.
	Throttled          Kind = "throttled"           // too many requests; wait and try again
	AccessDenied       Kind = "access-denied"       // the identity lacks a permission (Action names it when known)
	NotFound           Kind = "not-found"           // the stack, entity, role… does not exist
	Validation         Kind = "validation"          // the request was refused as invalid (Field names it when known)
	ExpiredCredentials Kind = "expired-credentials" // temporary credentials or a session token ran out
	InvalidCredentials Kind = "invalid-credentials" // AWS does not know the access key, or the secret does not match

	// AWS was not reached.
	Unreachable Kind = "unreachable" // no connection, or none in time

	// The local setup.
	SSOLogin       Kind = "sso-login"       // an IAM Identity Center profile needs a sign-in
	NoCredentials  Kind = "no-credentials"  // no credentials are configured at all
	UnknownProfile Kind = "unknown-profile" // the profile is in none of the files
	ConfigFile     Kind = "config-file"     // an AWS config or credentials file cannot be read
	ProfileProblem Kind = "profile-problem" // the profile exists but cannot work (its credential_process failed…)
	MFACancelled   Kind = "mfa-cancelled"   // the user cancelled the MFA code a role profile asked for

	Other Kind = "other" // anything else
)

// Kinds is every Kind, in a stable order.
var Kinds = []Kind{
	Throttled, AccessDenied, NotFound, Validation, ExpiredCredentials, InvalidCredentials,
	Unreachable,
	SSOLogin, NoCredentials, UnknownProfile, ConfigFile, ProfileProblem, MFACancelled,
	Other,
}

// Titles are the alert titles the window shows for each kind; generated into
// the TypeScript file with the union so both faces name things alike.
var Titles = map[Kind]string{
	Throttled:          "AWS is throttling requests",
	AccessDenied:       "Access denied",
	NotFound:           "Not found",
	Validation:         "AWS refused the request",
	ExpiredCredentials: "Credentials expired",
	InvalidCredentials: "Credentials not accepted",
	Unreachable:        "AWS could not be reached",
	SSOLogin:           "Sign-in needed",
	NoCredentials:      "No AWS credentials found",
	UnknownProfile:     "Profile not found",
	ConfigFile:         "Problem in the AWS config file",
	ProfileProblem:     "The profile cannot be used",
	MFACancelled:       "MFA code cancelled",
	Other:              "Something went wrong",
}
