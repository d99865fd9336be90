// Command http_service is a small HTTP+JSON service written with Go's standard library only:
// net/http (with the routing patterns of Go 1.22) for the server and for one outbound call,
// encoding/json for the bodies. It creates price quotes: POST /quotes takes a basket of items
// and a currency, asks an exchange-rate service for the rate, stores the quote and returns it;
// GET /quotes/{id} returns a stored quote; GET /healthz says it is up.
//
// It listens on a free loopback port, prints {"port": N} on stdout when ready, and stops on
// SIGTERM. The rate service's address comes from -rates-url.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Item is one line of a basket.
type Item struct {
	SKU            string `json:"sku"`
	Quantity       int64  `json:"quantity"`
	UnitPriceCents int64  `json:"unit_price_cents"`
}

// QuoteRequest is the body of POST /quotes.
type QuoteRequest struct {
	Currency string `json:"currency"`
	Items    []Item `json:"items"`
}

// Quote is what the service stores and returns.
type Quote struct {
	ID            uint64 `json:"id"`
	Currency      string `json:"currency"`
	Items         int    `json:"items"`
	TotalCents    int64  `json:"total_cents"`
	RateBP        int64  `json:"rate_bp"`
	TotalUSDCents int64  `json:"total_usd_cents"`
}

// Rate is the exchange-rate service's answer: US dollars per unit of the currency, in basis
// points (1.0850 is 10850), so that every amount stays an integer.
type Rate struct {
	Currency     string `json:"currency"`
	USDPerUnitBP int64  `json:"usd_per_unit_bp"`
}

type server struct {
	ratesURL string
	client   *http.Client

	mu     sync.Mutex
	nextID uint64
	quotes map[uint64]Quote
}

// errUnknownCurrency is what fetchRate returns when the rate service does not know it.
var errUnknownCurrency = errors.New("unknown currency")

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(body); err != nil {
		log.Printf("writing a response: %v", err)
	}
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"error": message})
}

func (s *server) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *server) fetchRate(ctx context.Context, currency string) (Rate, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.ratesURL+"/rates/"+currency, nil)
	if err != nil {
		return Rate{}, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return Rate{}, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return Rate{}, errUnknownCurrency
	case resp.StatusCode != http.StatusOK:
		return Rate{}, fmt.Errorf("rate service answered %s", resp.Status)
	}
	var rate Rate
	if err := json.NewDecoder(resp.Body).Decode(&rate); err != nil {
		return Rate{}, fmt.Errorf("reading the rate: %w", err)
	}
	return rate, nil
}

func validate(req QuoteRequest) error {
	if len(req.Currency) != 3 {
		return errors.New("currency must be a three-letter code")
	}
	if len(req.Items) == 0 {
		return errors.New("a quote needs at least one item")
	}
	for _, item := range req.Items {
		if item.Quantity < 1 || item.UnitPriceCents < 0 {
			return fmt.Errorf("item %q: quantity must be positive and price not negative", item.SKU)
		}
	}
	return nil
}

// excerpt-start: create-quote
func (s *server) createQuote(w http.ResponseWriter, r *http.Request) {
	var req QuoteRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if err := validate(req); err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	rate, err := s.fetchRate(r.Context(), req.Currency)
	if errors.Is(err, errUnknownCurrency) {
		writeError(w, http.StatusUnprocessableEntity, "unknown currency "+req.Currency)
		return
	}
	if err != nil {
		writeError(w, http.StatusBadGateway, "rate service: "+err.Error())
		return
	}
	var total int64
	for _, item := range req.Items {
		total += item.Quantity * item.UnitPriceCents
	}
	s.mu.Lock()
	s.nextID++
	quote := Quote{
		ID:            s.nextID,
		Currency:      req.Currency,
		Items:         len(req.Items),
		TotalCents:    total,
		RateBP:        rate.USDPerUnitBP,
		TotalUSDCents: total * rate.USDPerUnitBP / 10_000,
	}
	s.quotes[quote.ID] = quote
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, quote)
}

// excerpt-end: create-quote

func (s *server) getQuote(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "the quote id must be a number")
		return
	}
	s.mu.Lock()
	quote, ok := s.quotes[id]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("quote %d not found", id))
		return
	}
	writeJSON(w, http.StatusOK, quote)
}

func main() {
	ratesURL := flag.String("rates-url", "http://127.0.0.1:9", "base URL of the exchange-rate service")
	flag.Parse()

	s := &server{
		ratesURL: *ratesURL,
		client:   &http.Client{Timeout: 2 * time.Second},
		quotes:   make(map[uint64]Quote),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.health)
	mux.HandleFunc("POST /quotes", s.createQuote)
	mux.HandleFunc("GET /quotes/{id}", s.getQuote)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatalf("listening on loopback: %v", err)
	}
	ready, _ := json.Marshal(map[string]int{"port": ln.Addr().(*net.TCPAddr).Port})
	fmt.Println(string(ready))

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			log.Printf("shutting down: %v", err)
		}
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Printf("serving: %v", err)
		os.Exit(1)
	}
	<-stopped
}
