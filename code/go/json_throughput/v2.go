//go:build jsonv2

package main

import jsonv2 "encoding/json/v2"

// With GOEXPERIMENT=jsonv2 (Go 1.25 and later) the standard library has encoding/json/v2;
// build with -tags jsonv2 to time it beside encoding/json.
func init() {
	codecs[0].api = "encoding/json (GOEXPERIMENT=jsonv2)"
	codecs = append(codecs, codec{
		api: "encoding/json/v2",
		decodeTyped: func(data []byte) (Page, error) {
			var page Page
			err := jsonv2.Unmarshal(data, &page)
			return page, err
		},
		encodeTyped: func(page Page) ([]byte, error) { return jsonv2.Marshal(page) },
		decodeUntyped: func(data []byte) (any, error) {
			var value any
			err := jsonv2.Unmarshal(data, &value)
			return value, err
		},
	})
}
