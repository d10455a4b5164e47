package automation

import "time"

// InterruptGrace is how long an engine's CLI, interrupted because the
// operation's context ended, may take to release its lock before it is
// killed: less than the 10 s the Actions runner allows.
const InterruptGrace = 8 * time.Second
