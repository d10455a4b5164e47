package stats

import "time"

// FormatVersion is the version of the JSON object Report marshals to; it
// changes only when a field changes meaning or goes away.
const FormatVersion = 1

// Report is one project's statistics over a window of time. Every
// rendering (WriteText, JSON, Markdown) reads this one structure.
type Report struct {
	Version      int          `json:"version"`
	Project      string       `json:"project"`
	Since        time.Time    `json:"since"`
	Until        time.Time    `json:"until"`
	Environments Environments `json:"environments"`
	Provisioning Provisioning `json:"provisioning"`
	Ups          Outcomes     `json:"ups"`
	Teardowns    Outcomes     `json:"teardowns"`
	Overruns     []Overrun    `json:"ttl_overruns"`
	Cost         Cost         `json:"cost"`
	Days         []Day        `json:"days"`
	PerEnv       []EnvStats   `json:"per_environment"`
	// Notes say what the numbers could not take into account.
	Notes []string `json:"notes"`
}

// Environments counts the environments of the window.
type Environments struct {
	Created int     `json:"created"`
	Live    int     `json:"live"`
	Hours   float64 `json:"hours"`
}

// Provisioning is the time from an up's start to a live URL, first ups
// and updates apart.
type Provisioning struct {
	First  Percentiles `json:"first"`
	Update Percentiles `json:"update"`
}

// Percentiles summarise Count durations, in seconds.
type Percentiles struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_seconds"`
	P95   float64 `json:"p95_seconds"`
	Max   float64 `json:"max_seconds"`
}

// Outcomes counts one kind of operation by result.
type Outcomes struct {
	Total     int `json:"total"`
	OK        int `json:"ok"`
	Failed    int `json:"failed"`
	Cancelled int `json:"cancelled"`
	Locked    int `json:"locked"`
	// SuccessRate is OK/Total, from 0 to 1; nil when Total is 0.
	SuccessRate *float64 `json:"success_rate"`
}

// Overrun is an environment that outlived its TTL.
type Overrun struct {
	Env       string    `json:"env"`
	ExpiresAt time.Time `json:"expires_at"`
	// Until is when its teardown ended, or the report's end while it is
	// still up (Live).
	Until   time.Time `json:"until"`
	Live    bool      `json:"live"`
	Seconds float64   `json:"seconds"`
}

// Cost is what the window's environments cost at the blueprint's rates.
type Cost struct {
	Currency string `json:"currency"`
	// Rated is false when the blueprint sets no rate, and every amount is 0.
	Rated                 bool     `json:"rated"`
	Total                 float64  `json:"total"`
	PerEnvironmentHour    float64  `json:"per_environment_hour"`
	UnratedClasses        []string `json:"unrated_database_classes"`
	HoursWithoutFootprint float64  `json:"hours_without_footprint"`
}

// Day is one UTC day of the window.
type Day struct {
	Date  string  `json:"date"` // yyyy-mm-dd
	Hours float64 `json:"environment_hours"`
	Cost  float64 `json:"cost"`
}

// EnvStats is one environment's share of the window.
type EnvStats struct {
	Env   string  `json:"env"`
	Hours float64 `json:"hours"`
	Cost  float64 `json:"cost"`
	Live  bool    `json:"live"`
}
