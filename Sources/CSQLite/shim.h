#include <sqlite3.h>

/// sqlite3_config is variadic, which Swift cannot call: this fixes the one setting owl
/// changes. Memory statistics take a global mutex on every allocation; owl reads none.
/// Must run before the first connection opens (SQLITE_MISUSE afterwards, harmlessly).
static inline int owl_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/// Memory statistics back the hard heap limit: `owl query --sql` turns them on (before the
/// first connection) to bound what one statement may allocate.
static inline int owl_sqlite3_enable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
}
