// Package filekind names the kind of a file that is not a regular one, in
// the words SellerDesk's errors use. Both the AWS config files and the
// state cache refuse such files (a FIFO would hang a read), and say what
// they found the same way.
package filekind

import "io/fs"

// Describe names a non-regular file type in plain words ("a named pipe
// (FIFO)", "a folder", ...).
func Describe(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}
