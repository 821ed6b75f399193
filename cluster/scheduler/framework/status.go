package framework

import (
	"errors"
	"strconv"
	"strings"
)

// Code is a plugin's verdict, as upstream's fwk.Code.
type Code int

// The codes a plugin returns, in upstream's order.
const (
	// Success means the plugin ran and found nothing wrong. A nil *Status is Success.
	Success Code = iota
	// Error is an internal failure, not a verdict about the pod.
	Error
	// Unschedulable means the pod does not fit now, but preemption might make it fit.
	Unschedulable
	// UnschedulableAndUnresolvable means the pod does not fit and preemption
	// would not help (a taint, a node selector, a node too small).
	UnschedulableAndUnresolvable
	// Wait is used by Permit plugins; kubelab has none but keeps the code.
	Wait
	// Skip from PreFilter or PreScore skips the plugin's Filter or Score.
	Skip
	// Pending means the pod waits for something outside the scheduler.
	Pending
)

var codeNames = [...]string{"Success", "Error", "Unschedulable", "UnschedulableAndUnresolvable", "Wait", "Skip", "Pending"}

func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "Code(" + strconv.Itoa(int(c)) + ")"
}

// Status is what a plugin returns: a code, the reasons behind it (the texts
// that end up in FailedScheduling messages) and the plugin that said it.
type Status struct {
	code    Code
	reasons []string
	err     error
	plugin  string
}

// NewStatus makes a status with the given code and reasons.
func NewStatus(code Code, reasons ...string) *Status {
	s := &Status{code: code, reasons: reasons}
	if code == Error && len(reasons) > 0 {
		s.err = errors.New(s.Message())
	}
	return s
}

// AsStatus wraps an error as an Error status; nil stays nil (Success).
func AsStatus(err error) *Status {
	if err == nil {
		return nil
	}
	return &Status{code: Error, reasons: []string{err.Error()}, err: err}
}

// Code returns the code; a nil status is Success.
func (s *Status) Code() Code {
	if s == nil {
		return Success
	}
	return s.code
}

// Reasons returns the reasons.
func (s *Status) Reasons() []string {
	if s == nil {
		return nil
	}
	if s.err != nil && len(s.reasons) == 0 {
		return []string{s.err.Error()}
	}
	return s.reasons
}

// Message joins the reasons with ", " as upstream does.
func (s *Status) Message() string {
	if s == nil {
		return ""
	}
	return strings.Join(s.Reasons(), ", ")
}

// Plugin is the plugin that returned the status, once the framework set it.
func (s *Status) Plugin() string {
	if s == nil {
		return ""
	}
	return s.plugin
}

// WithPlugin sets the plugin name and returns s.
func (s *Status) WithPlugin(name string) *Status {
	if s != nil {
		s.plugin = name
	}
	return s
}

// WithError attaches err (its text is the message) and returns s.
func (s *Status) WithError(err error) *Status {
	if s != nil {
		s.err = err
	}
	return s
}

// IsSuccess reports a nil or Success status.
func (s *Status) IsSuccess() bool { return s.Code() == Success }

// IsSkip reports a Skip status.
func (s *Status) IsSkip() bool { return s.Code() == Skip }

// IsRejected reports a verdict against the pod: Unschedulable,
// UnschedulableAndUnresolvable or Pending.
func (s *Status) IsRejected() bool {
	c := s.Code()
	return c == Unschedulable || c == UnschedulableAndUnresolvable || c == Pending
}

// AsError returns the status as an error; nil for Success and Skip.
func (s *Status) AsError() error {
	if s.IsSuccess() || s.IsSkip() {
		return nil
	}
	if s.err != nil {
		return s.err
	}
	return errors.New(s.Message())
}

// Err returns the attached error, if any.
func (s *Status) Err() error {
	if s == nil {
		return nil
	}
	return s.err
}

// String renders "Code: reasons" for logs and explain.
func (s *Status) String() string {
	if s.IsSuccess() {
		return "Success"
	}
	if m := s.Message(); m != "" {
		return s.Code().String() + ": " + m
	}
	return s.Code().String()
}
