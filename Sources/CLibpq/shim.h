// libpq, PostgreSQL's own C client, for the team store (Sources/FunnelCore/Store/PostgresStore.swift).
// Debian's libpq-dev puts the header in /usr/include/postgresql, which is not on the default
// include path; naming the folder here keeps the build free of pkg-config and extra flags.
#ifndef FUNNEL_CLIBPQ_SHIM_H
#define FUNNEL_CLIBPQ_SHIM_H
#include <postgresql/libpq-fe.h>
#endif
