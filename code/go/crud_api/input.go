package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
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
// shape (not an object; wrong types; missing, unknown or repeated keys; an unpaired
// surrogate) or breaks a rule; 408 if the body is still arriving after ReadTimeout.
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
		var netErr net.Error
		if errors.As(err, &netErr) && netErr.Timeout() {
			return validUser{}, &apiError{http.StatusRequestTimeout, "request_timeout",
				"the request did not arrive in full within 10 s"}
		}
		return validUser{}, &apiError{http.StatusBadRequest, "malformed_json", err.Error()}
	}
	if !utf8.Valid(body) {
		return validUser{}, &apiError{http.StatusBadRequest, "malformed_json",
			"the body is not valid UTF-8"}
	}
	if err := json.Unmarshal(body, new(json.RawMessage)); err != nil {
		return validUser{}, &apiError{http.StatusBadRequest, "malformed_json", err.Error()}
	}
	in, err := decodeUserInput(body)
	if err != nil {
		return validUser{}, invalid(err.Error())
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

// decodeUserInput reads a well-formed body as one object whose keys are email and name,
// each at most once and spelled exactly so. Unmarshal into userInput would match keys
// whatever their case, keep the last of repeated keys and store an unpaired surrogate
// escape (\ud800) as U+FFFD, so the object is read key by key.
func decodeUserInput(body []byte) (userInput, error) {
	var in userInput
	decoder := json.NewDecoder(bytes.NewReader(body))
	if token, _ := decoder.Token(); token != json.Delim('{') {
		return in, errors.New("the body must be a JSON object")
	}
	fields := map[string]**string{"email": &in.Email, "name": &in.Name}
	seen := map[string]bool{}
	for decoder.More() {
		token, _ := decoder.Token() // the body is well-formed, so this is a key
		key, _ := token.(string)
		field, known := fields[key]
		if !known || seen[key] {
			return in, fmt.Errorf("unknown or repeated key %q: expected email and name, once each", key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := decoder.Decode(&raw); err != nil {
			return in, err
		}
		if hasLoneSurrogate(raw) {
			return in, fmt.Errorf("%s has an unpaired UTF-16 surrogate escape", key)
		}
		if err := json.Unmarshal(raw, field); err != nil {
			return in, fmt.Errorf("%s: %w", key, err)
		}
	}
	return in, nil
}

// hasLoneSurrogate reports whether JSON text has a \uXXXX escape of a UTF-16 surrogate
// that is not the high half of a pair followed by its low half.
func hasLoneSurrogate(text []byte) bool {
	for i := 0; i < len(text); i++ {
		if text[i] != '\\' {
			continue
		}
		i++ // text[i] is the escaped character: u, n, \\, ...
		r := escapedUnit(text, i)
		switch {
		case !utf16.IsSurrogate(r):
		case utf16.DecodeRune(r, escapedUnit(text, i+6)) != unicode.ReplacementChar:
			i += 10 // a pair: skip to the end of its second escape
		default:
			return true
		}
	}
	return false
}

// escapedUnit is the UTF-16 code unit of the escape whose u is text[i], or -1.
func escapedUnit(text []byte, i int) rune {
	if i+5 > len(text) || text[i] != 'u' {
		return -1
	}
	n, err := strconv.ParseUint(string(text[i+1:i+5]), 16, 16)
	if err != nil {
		return -1
	}
	return rune(n)
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
