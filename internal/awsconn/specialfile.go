package awsconn

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/sellerdesk/sellerdesk/internal/filekind"
)

// NotRegularFileError means an AWS config or credentials file names
// something that is not a regular file (a FIFO, a socket, a device, a
// folder): reading it could hang or never end, so it is refused before
// anything, the SDK included, opens it.
type NotRegularFileError struct {
	Path string
	Type string      // "a named pipe (FIFO)", "a folder", ...
	Mode fs.FileMode // the file's type bits
	Var  string      // the variable that names such a file: AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE
}

func (e *NotRegularFileError) Error() string {
	return fmt.Sprintf("%s is %s, not a file: %s must name a regular file", e.Path, e.Type, e.Var)
}

// checkRegularFile returns *NotRegularFileError when path exists and is not
// a regular file (symbolic links are followed). os.DevNull is accepted and
// reported as empty (devNull): "AWS_CONFIG_FILE=/dev/null" is the usual way
// to say "no config", and the AWS CLI accepts it. A missing file is not an
// error here (exists false).
func checkRegularFile(path, envVar string) (exists, devNull bool, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return false, false, nil
		}
		return false, false, fmt.Errorf("reading %s: %w", path, err)
	}
	if fi.Mode().IsRegular() {
		return true, false, nil
	}
	if path == os.DevNull && fi.Mode()&fs.ModeCharDevice != 0 {
		return true, true, nil
	}
	return true, false, &NotRegularFileError{Path: path, Type: filekind.Describe(fi.Mode()), Mode: fi.Mode().Type(), Var: envVar}
}
