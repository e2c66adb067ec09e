// libpq, PostgreSQL's own C client, for the team store (Sources/FunnelCore/Store/PostgresStore.swift).
// Debian's libpq-dev puts the header in /usr/include/postgresql, which is not on the default
// include path; naming the folder here keeps the build free of pkg-config and extra flags.
//
// libpq is loaded when the first connection is made, not linked: linking it made every
// funnel process load libpq and the twenty libraries it needs (TLS, Kerberos, LDAP) and
// resolve their symbols at start, about 3 ms of every command on a file store, which never
// uses them. The header gives the types; each function below finds its libpq function
// once, with dlsym, and calls it.
#ifndef FUNNEL_CLIBPQ_SHIM_H
#define FUNNEL_CLIBPQ_SHIM_H
#include <postgresql/libpq-fe.h>
#include <dlfcn.h>
#include <stddef.h>

// The library, loaded on first use; NULL when it cannot be (funnel_libpq_error says why).
static inline void *funnel_libpq(void) {
    static void *handle;
    void *h = __atomic_load_n(&handle, __ATOMIC_ACQUIRE);
    if (h == NULL) {
        h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
        if (h != NULL) __atomic_store_n(&handle, h, __ATOMIC_RELEASE);
    }
    return h;
}

// Why libpq could not be loaded, or NULL.
static inline const char *funnel_libpq_error(void) { return funnel_libpq() == NULL ? dlerror() : NULL; }

static inline void *funnel_libpq_symbol(const char *name) {
    void *h = funnel_libpq();
    return h == NULL ? NULL : dlsym(h, name);
}

// A libpq function `name` as funnel_name, giving `failed` when libpq or the symbol is
// missing, which only PQconnectdb can meet first (every other call needs a connection).
#define FUNNEL_PQ(ret, name, params, args, failed)                                    \
    static inline ret funnel_##name params {                                            \
        typedef ret (*fn) params;                                                       \
        static fn f;                                                                    \
        fn g = __atomic_load_n(&f, __ATOMIC_ACQUIRE);                                   \
        if (g == NULL) {                                                                \
            g = (fn)funnel_libpq_symbol(#name);                                         \
            if (g == NULL) return failed;                                               \
            __atomic_store_n(&f, g, __ATOMIC_RELEASE);                                  \
        }                                                                               \
        return g args;                                                                  \
    }
#define FUNNEL_PQ_VOID(name, params, args)                                              \
    static inline void funnel_##name params {                                           \
        typedef void (*fn) params;                                                      \
        static fn f;                                                                    \
        fn g = __atomic_load_n(&f, __ATOMIC_ACQUIRE);                                   \
        if (g == NULL) {                                                                \
            g = (fn)funnel_libpq_symbol(#name);                                         \
            if (g == NULL) return;                                                      \
            __atomic_store_n(&f, g, __ATOMIC_RELEASE);                                  \
        }                                                                               \
        g args;                                                                         \
    }

FUNNEL_PQ(PGconn *, PQconnectdb, (const char *conninfo), (conninfo), NULL)
FUNNEL_PQ(ConnStatusType, PQstatus, (const PGconn *conn), (conn), CONNECTION_BAD)
FUNNEL_PQ_VOID(PQfinish, (PGconn *conn), (conn))
FUNNEL_PQ(char *, PQerrorMessage, (const PGconn *conn), (conn), NULL)
FUNNEL_PQ(char *, PQhost, (const PGconn *conn), (conn), NULL)
FUNNEL_PQ(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *conn, PQnoticeProcessor proc, void *arg), (conn, proc, arg), NULL)
FUNNEL_PQ(PGresult *, PQexecParams,
          (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues,
           const int *paramLengths, const int *paramFormats, int resultFormat),
          (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat), NULL)
FUNNEL_PQ(PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query), NULL)
FUNNEL_PQ(ExecStatusType, PQresultStatus, (const PGresult *res), (res), PGRES_FATAL_ERROR)
FUNNEL_PQ_VOID(PQclear, (PGresult *res), (res))
FUNNEL_PQ(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode), NULL)
FUNNEL_PQ(int, PQntuples, (const PGresult *res), (res), 0)
FUNNEL_PQ(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num), 0)
FUNNEL_PQ(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num), NULL)
FUNNEL_PQ(int, PQgetlength, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num), 0)

#endif
