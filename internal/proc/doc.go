// Package proc reads this host's processes from /proc: whether one is
// alive (a zombie is not), when it started (to tell it from a later
// process that reuses its pid), its command name, environment and working
// directory, and which carry an environment entry or a command name.
// prenv uses it to judge lock holders and to find the service processes
// it started.
//
//	if !proc.Alive(pid, started) { /* gone, or its pid was reused */ }
package proc
