package main

import "fmt"

// The pipeline's data, apart from its errors (those are in pipeline.go).

// Config is what a config file holds.
type Config struct {
	UserID   int    `json:"user_id"`
	Currency string `json:"currency"`
	Limit    int    `json:"limit"`
}

// User is one record of the store.
type User struct {
	Name string
	Plan string
}

// Store is a small in-memory table of users by id.
type Store map[int]User

// Invoice is what the pipeline builds from a valid config and its user.
type Invoice struct {
	User     string
	Plan     string
	Limit    int
	Currency string
}

// String is the invoice in one line.
func (inv Invoice) String() string {
	return fmt.Sprintf("invoice for %s (%s plan): limit %d %s", inv.User, inv.Plan, inv.Limit, inv.Currency)
}

// isCurrencyCode reports whether code is three capital letters, like EUR.
func isCurrencyCode(code string) bool {
	if len(code) != 3 {
		return false
	}
	for _, c := range code {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
