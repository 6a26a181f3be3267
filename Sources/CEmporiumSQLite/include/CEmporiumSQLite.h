// The part of SQLite's C API that Emporium's embedded driver calls (EmporiumCore's
// SQLiteConnectionHandle), declared under the names sqlite-nio's vendored SQLite exports.
//
// Why not a second SQLite (the system's libsqlite3)? Two SQLite libraries in one process
// must never open the same file: each keeps its own table of POSIX locks per file, and
// closing a descriptor in one drops the locks the other holds (sqlite.org/howtocorrupt.html
// §2.2). sqlite-nio (through sqlite-kit) is linked in anyway and its copy is private to it
// (its C target is not a product), so these declarations reach that one copy: one SQLite,
// no system package to install. If sqlite-nio ever renames its symbols the link fails
// loudly; the signatures are SQLite's own, which do not change.
#ifndef C_EMPORIUM_SQLITE_H
#define C_EMPORIUM_SQLITE_H

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

int sqlite_nio_sqlite3_initialize(void);
int sqlite_nio_sqlite3_libversion_number(void);
int sqlite_nio_sqlite3_open_v2(const char *filename, sqlite3 **ppDb, int flags, const char *zVfs);
int sqlite_nio_sqlite3_close_v2(sqlite3 *db);
int sqlite_nio_sqlite3_extended_result_codes(sqlite3 *db, int onoff);
int sqlite_nio_sqlite3_busy_timeout(sqlite3 *db, int ms);
int sqlite_nio_sqlite3_extended_errcode(sqlite3 *db);
const char *sqlite_nio_sqlite3_errmsg(sqlite3 *db);
const char *sqlite_nio_sqlite3_errstr(int code);
int sqlite_nio_sqlite3_get_autocommit(sqlite3 *db);

int sqlite_nio_sqlite3_prepare_v3(sqlite3 *db, const char *zSql, int nByte, unsigned int prepFlags,
                                  sqlite3_stmt **ppStmt, const char **pzTail);
int sqlite_nio_sqlite3_step(sqlite3_stmt *stmt);
int sqlite_nio_sqlite3_reset(sqlite3_stmt *stmt);
int sqlite_nio_sqlite3_clear_bindings(sqlite3_stmt *stmt);
int sqlite_nio_sqlite3_finalize(sqlite3_stmt *stmt);

int sqlite_nio_sqlite3_bind_null(sqlite3_stmt *stmt, int index);
int sqlite_nio_sqlite3_bind_int64(sqlite3_stmt *stmt, int index, long long value);
int sqlite_nio_sqlite3_bind_double(sqlite3_stmt *stmt, int index, double value);
int sqlite_nio_sqlite3_bind_text(sqlite3_stmt *stmt, int index, const char *value, int bytes, void (*destructor)(void *));
int sqlite_nio_sqlite3_bind_blob(sqlite3_stmt *stmt, int index, const void *value, int bytes, void (*destructor)(void *));

int sqlite_nio_sqlite3_column_count(sqlite3_stmt *stmt);
const char *sqlite_nio_sqlite3_column_name(sqlite3_stmt *stmt, int column);
int sqlite_nio_sqlite3_column_type(sqlite3_stmt *stmt, int column);
long long sqlite_nio_sqlite3_column_int64(sqlite3_stmt *stmt, int column);
double sqlite_nio_sqlite3_column_double(sqlite3_stmt *stmt, int column);
const unsigned char *sqlite_nio_sqlite3_column_text(sqlite3_stmt *stmt, int column);
const void *sqlite_nio_sqlite3_column_blob(sqlite3_stmt *stmt, int column);
int sqlite_nio_sqlite3_column_bytes(sqlite3_stmt *stmt, int column);

// SQLITE_TRANSIENT: SQLite copies the bound bytes before the call returns. A cast C can
// write and Swift cannot import as a constant.
static inline int emporium_sqlite3_bind_text(sqlite3_stmt *stmt, int index, const char *value, int bytes) {
    return sqlite_nio_sqlite3_bind_text(stmt, index, value, bytes, (void (*)(void *))-1);
}
static inline int emporium_sqlite3_bind_blob(sqlite3_stmt *stmt, int index, const void *value, int bytes) {
    return sqlite_nio_sqlite3_bind_blob(stmt, index, value, bytes, (void (*)(void *))-1);
}

// Names the calling thread (each connection's SQLiteThread) for perf, top and gdb; Linux
// keeps 15 characters. pthread_setname_np is a GNU extension Swift's Glibc module hides.
void emporium_name_this_thread(const char *name);

#endif
