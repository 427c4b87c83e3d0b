#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast macro Swift cannot import: sqlite copies the bytes at bind time.
static inline sqlite3_destructor_type candor_sqlite_transient(void) { return SQLITE_TRANSIENT; }
