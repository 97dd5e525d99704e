package asset

import (
	"io/fs"
	"net/url"
	"path"
	"strings"
)

// Locate resolves src, an image destination written in a body whose file
// is in dir, to a slash path inside the sources folder. It refuses, saying
// why and what to do, anything that is not a relative path staying inside
// the folder: remote addresses, other schemes (data:, file:), absolute
// paths and paths that climb out with "..". It reads nothing.
func Locate(dir, src string) (name, refuse string) {
	s := strings.TrimSpace(src)
	if s == "" {
		return "", "it has no address; write the image file's path"
	}
	if strings.Contains(s, `\`) {
		return "", "the path has backslashes; write it with forward slashes (img/chart.png)"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", "the address is not a valid path; write the path of the image file relative to the item's file"
	}
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "http" || scheme == "https" || scheme == "" && u.Host != "":
		return "", "a remote address is never fetched while building (the EPUB links to it); to show the picture, put a copy beside the item in the sources folder"
	case scheme != "" || u.Opaque != "":
		return "", "a " + scheme + ": address is never read; put the image file beside the item in the sources folder"
	case u.Path == "":
		return "", "it has no path; write the image file's path"
	case strings.HasPrefix(u.Path, "/"):
		return "", "it is an absolute path, which is never read; write a path relative to the item's file, inside the sources folder"
	}
	dir = strings.Trim(dir, "/")
	if dir == "" {
		dir = "."
	}
	if !fs.ValidPath(dir) {
		return "", "the item's folder is not inside the sources folder"
	}
	name = path.Join(dir, u.Path)
	if name == ".." || strings.HasPrefix(name, "../") {
		return "", "the path leads out of the sources folder (..), which is never read; copy the image into the sources folder"
	}
	if name == "." || !fs.ValidPath(name) {
		return "", "it does not name a file in the sources folder; write the image file's path"
	}
	return name, ""
}
