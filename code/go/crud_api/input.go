package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

const (
	// bodyLimitBytes: larger request bodies get 413.
	bodyLimitBytes = 64 << 10
	maxEmailChars  = 254
	maxNameChars   = 100
)

// apiError is a status code and the JSON body that goes with it:
// {"error": {"code": "not_found", "message": "no user with id 7"}}.
type apiError struct {
	status  int
	code    string
	message string
}

func fail(c *gin.Context, e *apiError) {
	c.AbortWithStatusJSON(e.status, gin.H{"error": gin.H{"code": e.code, "message": e.message}})
}

func badParameter(message string) *apiError {
	return &apiError{http.StatusBadRequest, "invalid_parameter", message}
}

func invalid(message string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, "invalid_body", message}
}

// userInput is the body of a create or an update. Pointers tell a missing field from an
// empty one.
type userInput struct {
	Email *string `json:"email"`
	Name  *string `json:"name"`
}

type validUser struct {
	email, name string
}

// bindUser reads a request body and checks it: 415 if it is not declared as JSON, 413 if it
// is too large, 400 if it is not one well-formed JSON value, 422 if the value has the wrong
// shape (wrong types, missing or unknown fields) or breaks a rule.
func bindUser(c *gin.Context) (validUser, *apiError) {
	mediaType, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	isJSON := mediaType == "application/json" ||
		strings.HasPrefix(mediaType, "application/") && strings.HasSuffix(mediaType, "+json")
	if err != nil || !isJSON {
		return validUser{}, &apiError{http.StatusUnsupportedMediaType, "unsupported_media_type",
			"expected a body with Content-Type: application/json"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, bodyLimitBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return validUser{}, &apiError{http.StatusRequestEntityTooLarge, "body_too_large",
				"the body is larger than 65536 bytes"}
		}
		return validUser{}, &apiError{http.StatusBadRequest, "malformed_json", err.Error()}
	}
	if !utf8.Valid(body) {
		return validUser{}, &apiError{http.StatusBadRequest, "malformed_json",
			"the body is not valid UTF-8"}
	}
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.DisallowUnknownFields()
	var in userInput
	if err := decoder.Decode(&in); err != nil {
		var syntaxErr *json.SyntaxError
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &syntaxErr) {
			return validUser{}, &apiError{http.StatusBadRequest, "malformed_json", err.Error()}
		}
		return validUser{}, invalid(err.Error())
	}
	if _, err := decoder.Token(); err != io.EOF {
		return validUser{}, &apiError{http.StatusBadRequest, "malformed_json",
			"unexpected data after the JSON value"}
	}
	switch {
	case in.Email == nil:
		return validUser{}, invalid("missing field email")
	case in.Name == nil:
		return validUser{}, invalid("missing field name")
	case !validEmail(*in.Email):
		return validUser{}, invalid("email must look like name@example.com: one @, a dot in " +
			"the domain, no spaces or control characters, at most 254 characters")
	case !validName(*in.Name):
		return validUser{}, invalid("name must be 1 to 100 characters with no control characters")
	}
	return validUser{*in.Email, *in.Name}, nil
}

// validEmail: one @ between a non-empty local part and a domain with a dot that is neither
// its first nor its last character. The Rust service applies the same rule.
func validEmail(email string) bool {
	if utf8.RuneCountInString(email) > maxEmailChars {
		return false
	}
	for _, r := range email {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	local, domain, found := strings.Cut(email, "@")
	runes := []rune(domain)
	return found && local != "" && !strings.Contains(domain, "@") &&
		len(runes) >= 3 && slices.Contains(runes[1:len(runes)-1], '.')
}

func validName(name string) bool {
	chars := utf8.RuneCountInString(name)
	return chars >= 1 && chars <= maxNameChars && !strings.ContainsFunc(name, unicode.IsControl)
}
