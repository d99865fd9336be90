package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
)

// ErrUnknownUser is the store's sentinel error: no user has the requested id.
var ErrUnknownUser = errors.New("unknown user")

// ValidationError is the typed error of the validation step: which field is wrong, and why.
type ValidationError struct {
	Field   string
	Problem string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Problem)
}

// Lookup returns the user with the given id.
func (s Store) Lookup(id int) (User, error) {
	user, ok := s[id]
	if !ok {
		return User{}, fmt.Errorf("user %d: %w", id, ErrUnknownUser)
	}
	return user, nil
}

func validate(cfg Config) error {
	if cfg.UserID <= 0 {
		return &ValidationError{Field: "user_id", Problem: "must be a positive number"}
	}
	if !isCurrencyCode(cfg.Currency) {
		return &ValidationError{Field: "currency", Problem: "must be three capital letters"}
	}
	if cfg.Limit < 1 || cfg.Limit > 10_000 {
		return &ValidationError{Field: "limit", Problem: "must be between 1 and 10000"}
	}
	return nil
}

// excerpt-start: pipeline
// LoadConfig reads, parses and validates the config file name in fsys.
func LoadConfig(fsys fs.FS, name string) (Config, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Config{}, fmt.Errorf("reading config: %w", err)
	}
	var cfg Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		return Config{}, fmt.Errorf("parsing config %s: %w", name, err)
	}
	if err := validate(cfg); err != nil {
		return Config{}, fmt.Errorf("config %s: %w", name, err)
	}
	return cfg, nil
}

// BuildInvoice runs the whole pipeline: config file, JSON, validation, store lookup, result.
func BuildInvoice(fsys fs.FS, name string, store Store) (Invoice, error) {
	cfg, err := LoadConfig(fsys, name)
	if err != nil {
		return Invoice{}, err
	}
	user, err := store.Lookup(cfg.UserID)
	if err != nil {
		return Invoice{}, fmt.Errorf("looking up the invoice's user: %w", err)
	}
	return Invoice{User: user.Name, Plan: user.Plan, Limit: cfg.Limit, Currency: cfg.Currency}, nil
}

// excerpt-end: pipeline
