// Swift 6 rejects direct access to readline's mutable C globals, so the REPL reaches them
// through these setters. The SIGINT handler lives here because a Swift closure cannot be
// async-signal-safe.
#ifndef FUNNEL_CREADLINE_SHIM_H
#define FUNNEL_CREADLINE_SHIM_H
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

#endif
