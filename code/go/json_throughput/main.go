// Command json_throughput decodes and encodes one JSON payload (a page of orders, written by the
// course in Python so that both languages read the same bytes) with Go's encoding/json, and
// reports nanoseconds per operation. Built with GOEXPERIMENT=jsonv2 and the tag jsonv2, it also
// times encoding/json/v2 (see v2.go); under that experiment encoding/json itself runs on the
// new implementation.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"time"

	"govsrust/internal/measure"
)

// Page is one page of an orders listing, as an API would return it.
type Page struct {
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
	Total   int     `json:"total"`
	Orders  []Order `json:"orders"`
}

// Order is one order with its customer, lines and shipping address.
type Order struct {
	ID        int64      `json:"id"`
	Status    string     `json:"status"`
	CreatedAt string     `json:"created_at"`
	Customer  Customer   `json:"customer"`
	Items     []LineItem `json:"items"`
	Shipping  Address    `json:"shipping"`
	Note      *string    `json:"note"`
	Paid      bool       `json:"paid"`
	Total     float64    `json:"total"`
	Tags      []string   `json:"tags"`
}

// excerpt-start: structs
// Customer is who placed the order.
type Customer struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Loyalty int    `json:"loyalty_points"`
	VIP     bool   `json:"vip"`
}

// LineItem is one line of an order.
type LineItem struct {
	SKU       string  `json:"sku"`
	Name      string  `json:"name"`
	Quantity  int     `json:"quantity"`
	UnitPrice float64 `json:"unit_price"`
}

// excerpt-end: structs

// Address is where the order goes.
type Address struct {
	Street   string  `json:"street"`
	City     string  `json:"city"`
	Postcode string  `json:"postcode"`
	Country  string  `json:"country"`
	Lat      float64 `json:"lat"`
	Lon      float64 `json:"lon"`
}

// codec is one JSON library's way of doing the three timed operations.
type codec struct {
	api           string
	decodeTyped   func([]byte) (Page, error)
	encodeTyped   func(Page) ([]byte, error)
	decodeUntyped func([]byte) (any, error)
}

// codecs holds every library this build offers; v2.go adds encoding/json/v2 to it.
var codecs = []codec{{
	api: "encoding/json",
	decodeTyped: func(data []byte) (Page, error) {
		var page Page
		err := json.Unmarshal(data, &page)
		return page, err
	},
	encodeTyped: func(page Page) ([]byte, error) { return json.Marshal(page) },
	decodeUntyped: func(data []byte) (any, error) {
		var value any
		err := json.Unmarshal(data, &value)
		return value, err
	},
}}

// Sinks keep every result alive, so the compiler cannot drop the work.
var (
	sinkPage  Page
	sinkBytes []byte
	sinkAny   any
)

func main() {
	payloadPath := flag.String("payload", "", "the JSON file to decode and encode")
	samples := flag.Int("samples", 5, "timed samples per operation")
	targetMS := flag.Int("target-ms", 20, "length of one timed sample (ms)")
	flag.Parse()

	data, err := os.ReadFile(*payloadPath)
	if err != nil {
		measure.Fail("reading the payload: %v", err)
	}
	target := time.Duration(*targetMS) * time.Millisecond
	for _, c := range codecs {
		page, err := c.decodeTyped(data)
		if err != nil {
			measure.Fail("%s: decoding the payload: %v", c.api, err)
		}
		encoded, err := c.encodeTyped(page)
		if err != nil {
			measure.Fail("%s: encoding the payload: %v", c.api, err)
		}
		measure.Emit(measure.Record{
			"api": c.api, "check": "round trip", "orders": len(page.Orders),
			"encoded_bytes": len(encoded), "identical": bytes.Equal(encoded, data),
		})
		operations := []struct {
			name string
			op   func()
		}{
			{"decode typed", func() { sinkPage, err = c.decodeTyped(data) }},
			{"encode typed", func() { sinkBytes, err = c.encodeTyped(page) }},
			{"decode untyped", func() { sinkAny, err = c.decodeUntyped(data) }},
		}
		for sample := range *samples {
			for _, o := range operations {
				ns := measure.NsPerOp(target, o.op)
				if err != nil {
					measure.Fail("%s: %s: %v", c.api, o.name, err)
				}
				measure.Emit(measure.Record{
					"api": c.api, "operation": o.name, "sample": sample,
					"bytes": len(data), "ns_per_op": ns,
				})
			}
		}
	}
}
