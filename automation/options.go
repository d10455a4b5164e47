package automation

import (
	"io"
	"time"
)

// DefaultMaxJobTime is how old a lock must be before prenv treats it as
// stale even when it cannot see the holder's process: GitHub Actions ends
// any job after six hours.
const DefaultMaxJobTime = 6 * time.Hour

// Option configures one operation. Options that do not apply to an
// operation are ignored by it.
type Option func(*Options)

// Options is what a list of Option resolves to, for an engine to read.
// Each field is set by the Option of the same name.
type Options struct {
	WaitForLock  time.Duration
	MaxJobTime   time.Duration
	Progress     io.Writer // never nil after Resolve
	Remove       bool
	RefreshFirst bool
	ExtendTo     time.Time // set by Extend; zero for an ordinary update
	FinishedHost string
	Run          RunInfo    // set by Run; zero outside GitHub Actions
	RunStatus    RunChecker // set by RunStatus; nil when GitHub cannot be asked
	// Targets limits an operation to these resources: Pulumi URNs, or
	// Terraform resource addresses. Empty means every resource.
	Targets          []string
	TargetDependents bool
	Message          string // the update's message, where the engine records one
}

// Resolve applies opts, in order, over the defaults: MaxJobTime
// DefaultMaxJobTime and Progress discarded.
func Resolve(opts []Option) Options {
	o := Options{
		MaxJobTime: DefaultMaxJobTime,
		Progress:   io.Discard,
	}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WaitForLock makes an operation on a locked stack retry, with backoff, for
// up to d before it fails with ErrLocked. Zero (the default) fails at once.
func WaitForLock(d time.Duration) Option { return func(o *Options) { o.WaitForLock = d } }

// MaxJobTime sets the age past which a lock is stale even if its holder
// may be alive on another host. The default is DefaultMaxJobTime.
func MaxJobTime(d time.Duration) Option { return func(o *Options) { o.MaxJobTime = d } }

// Progress streams the engine's progress, a line per event, to w.
func Progress(w io.Writer) Option { return func(o *Options) { o.Progress = w } }

// Remove makes Destroy also delete the stack and its history.
func Remove() Option { return func(o *Options) { o.Remove = true } }

// RefreshFirst makes Up and Preview refresh the stack's state first.
func RefreshFirst() Option { return func(o *Options) { o.RefreshFirst = true } }

// Extend makes Up move the environment's expiry to t and change nothing
// else: only the stack's own outputs are updated, every resource is left
// as it is. Later updates keep the later of t and their own expiry.
func Extend(t time.Time) Option { return func(o *Options) { o.ExtendTo = t } }

// FinishedHost tells Cancel that every run on host has ended, so locks
// taken there are stale: the Action's post step passes the host its main
// step ran on, whose container is gone, and releases only that run's lock.
func FinishedHost(host string) Option { return func(o *Options) { o.FinishedHost = host } }

// Run tells the engine which GitHub Actions run the operation belongs to,
// so that the locks it takes can be traced to that run (and broken once
// GitHub says the run has completed).
func Run(r RunInfo) Option { return func(o *Options) { o.Run = r } }

// RunStatus lets the engine ask GitHub whether the run that holds a lock
// has completed: such a lock is stale, whatever its age. Without it, a
// lock taken on another host is stale only past MaxJobTime.
func RunStatus(check RunChecker) Option { return func(o *Options) { o.RunStatus = check } }

// Targets limits Up, Preview, Refresh and Destroy to the resources named,
// as the engines' --target flags do: Pulumi URNs (a * in one matches any
// text within a URN's part, ** across parts) or Terraform resource
// addresses. A Destroy limited so never removes the stack, which still
// holds the rest.
func Targets(targets ...string) Option {
	return func(o *Options) { o.Targets = append(o.Targets, targets...) }
}

// TargetDependents widens Targets to the resources that depend on them
// (Pulumi's --target-dependents; Terraform has no such flag).
func TargetDependents() Option { return func(o *Options) { o.TargetDependents = true } }

// Message is the update's message, recorded in the stack's history by the
// Pulumi engine (--message); the Terraform engine keeps no history.
func Message(m string) Option { return func(o *Options) { o.Message = m } }
