// Package static holds the browser side of paxviz: plain ES modules, CSS
// and icons, embedded in the binary. No build step, no framework, no CDN.
package static

import (
	"embed"
	"io/fs"
)

//go:embed *.js *.css *.svg
var files embed.FS

// FS returns the embedded assets.
func FS() fs.FS { return files }
