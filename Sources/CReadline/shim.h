// Swift 6 rejects direct access to readline's mutable C globals, so the REPL reaches them
// through these setters. The SIGINT handler and the read loop live here because a Swift
// closure cannot be async-signal-safe.
//
// Interrupt design
// ----------------
// The handler only does async-signal-safe work: it sets a `volatile sig_atomic_t` flag and
// writes one byte to a non-blocking self-pipe. Everything that touches readline happens on
// the main thread in `funnel_readline`, which drives readline's callback interface
// (`rl_callback_handler_install` + `rl_callback_read_char`) from a poll() loop over the
// terminal and the pipe's read end. A Ctrl-C wakes poll() through the pipe, and the loop then
// clears the line in ordinary (non-signal) context and reports "interrupted".
//
// Calling readline functions from the handler itself (rl_replace_line, rl_redisplay) would
// be undefined behaviour: they malloc and write through stdio. Relying on poll() returning
// EINTR alone is racy (a signal that lands between the flag check and poll() is lost until
// the next key); the self-pipe closes that window.
//
// SA_RESTART is set on purpose: the pipe already wakes poll() (which Linux never restarts
// anyway), and restarting keeps unrelated blocking reads and writes elsewhere in the process
// (store I/O, CSV import, output to a pipe) from failing with EINTR when the user presses
// Ctrl-C to cancel a statement. Long statements instead poll `funnel_interrupted()`.
//
// The state below must exist once per process, but this header is compiled into every Swift
// module (and object file) that imports it, so `static` variables would be duplicated. Weak
// definitions are merged by the linker into a single copy.
//
// SwiftPM does not track this header as a dependency: after editing it, touch
// Sources/FunnelShell/ReadlineLineReader.swift or the change is not compiled in.
#ifndef FUNNEL_CREADLINE_SHIM_H
#define FUNNEL_CREADLINE_SHIM_H
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

__attribute__((weak)) volatile sig_atomic_t funnel_sigint_pending = 0;
// Ctrl-C presses since the last clear while no line is being read; the third one ends the
// process (as in the sqlite3 shell), so a statement that never polls can still be stopped.
__attribute__((weak)) volatile sig_atomic_t funnel_sigint_count = 0;
__attribute__((weak)) volatile sig_atomic_t funnel_reading_line = 0;
__attribute__((weak)) int funnel_wake_pipe[2] = {-1, -1};
__attribute__((weak)) char *funnel_line_result = NULL;
__attribute__((weak)) int funnel_line_done = 0;
__attribute__((weak)) char **funnel_generator_list = NULL;
__attribute__((weak)) int funnel_generator_count = 0;
__attribute__((weak)) char **funnel_display_list = NULL;
__attribute__((weak)) int funnel_display_count = 0;
__attribute__((weak)) int funnel_display_width = 0;

// MARK: readline globals

static inline void funnel_set_attempted_completion_function(rl_completion_func_t *f) {
    rl_attempted_completion_function = f;
}
static inline void funnel_set_completion_append_character(int c) { rl_completion_append_character = c; }
static inline void funnel_set_completer_word_break_characters(const char *s) {
    // readline keeps the pointer, so it gets its own copy that lives for the process.
    rl_completer_word_break_characters = s ? strdup(s) : NULL;
}
static inline void funnel_set_completer_quote_characters(const char *s) {
    rl_completer_quote_characters = s ? strdup(s) : NULL;
}
static inline void funnel_set_completion_suppress_append(int v) { rl_completion_suppress_append = v; }
static inline void funnel_set_completion_suppress_quote(int v) { rl_completion_suppress_quote = v; }
static inline void funnel_set_attempted_completion_over(int v) { rl_attempted_completion_over = v; }
// Readline sorts the matches unless told not to; stages are offered in funnel order.
static inline void funnel_set_sort_completion_matches(int v) { rl_sort_completion_matches = v; }
static inline void funnel_set_ignore_completion_duplicates(int v) { rl_ignore_completion_duplicates = v; }
static inline void funnel_set_catch_signals(int v) { rl_catch_signals = v; }
static inline void funnel_set_readline_name(const char *s) { rl_readline_name = s ? strdup(s) : NULL; }
static inline void funnel_set_streams(FILE *in, FILE *out) {
    rl_instream = in;
    rl_outstream = out;
}
static inline void funnel_set_terminal_name(const char *s) { rl_terminal_name = s ? strdup(s) : NULL; }
static inline const char *funnel_line_buffer(void) { return rl_line_buffer; }
static inline int funnel_line_end(void) { return rl_end; }
static inline int funnel_point(void) { return rl_point; }

// MARK: SIGINT

static inline void funnel__on_sigint(int sig) {
    (void)sig;
    int saved = errno;
    funnel_sigint_pending = 1;
    if (!funnel_reading_line) {
        sig_atomic_t n = funnel_sigint_count + 1;
        funnel_sigint_count = n;
        if (n >= 3) {
            struct sigaction dfl;
            memset(&dfl, 0, sizeof dfl);
            dfl.sa_handler = SIG_DFL;
            sigemptyset(&dfl.sa_mask);
            sigaction(SIGINT, &dfl, NULL);
            // SIGINT is blocked inside its own handler, so this is delivered (and ends the
            // process with the conventional status) as soon as the handler returns.
            raise(SIGINT);
        }
    }
    if (funnel_wake_pipe[1] >= 0) {
        char b = 1;
        ssize_t r = write(funnel_wake_pipe[1], &b, 1);
        (void)r;
    }
    errno = saved;
}

/// Installs the SIGINT handler (idempotent). Returns 0, or -1 with errno set.
static inline int funnel_install_sigint(void) {
    if (funnel_wake_pipe[0] < 0) {
        int fds[2];
        if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
        funnel_wake_pipe[1] = fds[1];
        funnel_wake_pipe[0] = fds[0];
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = funnel__on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(SIGINT, &sa, NULL);
}

/// 1 when Ctrl-C was pressed since the last clear.
static inline int funnel_interrupted(void) { return funnel_sigint_pending ? 1 : 0; }

static inline void funnel_clear_interrupt(void) {
    funnel_sigint_pending = 0;
    funnel_sigint_count = 0;
    if (funnel_wake_pipe[0] >= 0) {
        char buf[64];
        while (read(funnel_wake_pipe[0], buf, sizeof buf) > 0) {}
    }
}

// MARK: reading a line

static inline void funnel__line_handler(char *line) {
    funnel_line_result = line;
    funnel_line_done = 1;
    // Removing the handler here stops readline from printing the prompt again.
    rl_callback_handler_remove();
}

/// Reads one line with readline's callback interface.
/// Returns 1 with a malloc'd line in *out (the caller frees it), 0 at end of input, or -1
/// when Ctrl-C discarded the line.
static inline int funnel_readline(const char *prompt, char **out) {
    *out = NULL;
    funnel_clear_interrupt();
    funnel_line_done = 0;
    funnel_line_result = NULL;
    funnel_reading_line = 1;
    using_history();
    int in = fileno(rl_instream ? rl_instream : stdin);
    rl_callback_handler_install(prompt, funnel__line_handler);
    int status = 0;
    while (!funnel_line_done) {
        if (funnel_sigint_pending) {
            rl_free_line_state();
            rl_callback_sigcleanup();
            // Put the cursor after the typed text before marking the line as abandoned,
            // or a multi-row line would be partly overwritten.
            rl_point = rl_end;
            rl_redisplay();
            rl_echo_signal_char(SIGINT);
            rl_replace_line("", 0);
            rl_point = rl_end = 0;
            rl_crlf();
            rl_callback_handler_remove();
            funnel_clear_interrupt();
            status = -1;
            break;
        }
        struct pollfd fds[2];
        fds[0].fd = in;
        fds[0].events = POLLIN;
        fds[0].revents = 0;
        fds[1].fd = funnel_wake_pipe[0];
        fds[1].events = POLLIN;
        fds[1].revents = 0;
        int n = poll(fds, funnel_wake_pipe[0] >= 0 ? 2 : 1, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            rl_callback_handler_remove();
            break;
        }
        if (fds[0].revents & POLLIN) {
            rl_callback_read_char();
        } else if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            // The terminal went away: nothing more can be read, and readline would spin.
            rl_callback_handler_remove();
            break;
        }
    }
    funnel_reading_line = 0;
    if (status == -1) return -1;
    if (funnel_line_done && funnel_line_result) {
        *out = funnel_line_result;
        funnel_line_result = NULL;
        return 1;
    }
    // Ctrl-D leaves the cursor after the prompt; end the line so the shell's prompt starts on
    // its own. Readline 8.1+ already does when bracketed paste was on (it is off on a dumb
    // terminal), so only add the newline otherwise.
    const char *paste = rl_variable_value("enable-bracketed-paste");
    if (!(paste && strcmp(paste, "on") == 0)) {
        fputc('\n', rl_outstream ? rl_outstream : stdout);
        fflush(rl_outstream ? rl_outstream : stdout);
    }
    return 0;
}

// MARK: completion

static inline void funnel__free_list(char **list, int count) {
    if (!list) return;
    for (int i = 0; i < count; i++) free(list[i]);
    free(list);
}

static inline char **funnel__copy_list(const char *const *items, int count) {
    char **copy = calloc((size_t)count + 1, sizeof(char *));
    if (!copy) return NULL;
    for (int i = 0; i < count; i++) copy[i] = strdup(items[i]);
    return copy;
}

static inline char *funnel__generator(const char *text, int state) {
    (void)text;
    static int next;  // only used within one rl_completion_matches call
    if (state == 0) next = 0;
    if (!funnel_generator_list || next >= funnel_generator_count) return NULL;
    return strdup(funnel_generator_list[next++]);
}

static inline void funnel__display_hook(char **matches, int num, int max) {
    (void)matches;
    (void)num;
    (void)max;
    // Show what the user will get (`"Closed Won"`, `.read`), not the tail readline replaces.
    if (!funnel_display_list || funnel_display_count == 0) return;
    char **list = calloc((size_t)funnel_display_count + 2, sizeof(char *));
    if (!list) return;
    list[0] = (char *)"";
    for (int i = 0; i < funnel_display_count; i++) list[i + 1] = funnel_display_list[i];
    rl_display_match_list(list, funnel_display_count, funnel_display_width);
    free(list);
    rl_forced_update_display();
}

/// Builds readline's match array from `matches` (each replaces the text readline is
/// completing) and remembers `display` (the full candidates) for listing.
static inline char **funnel_completion_result(const char *text, const char *const *matches, int count,
                                              const char *const *display, int displayCount,
                                              int displayWidth) {
    funnel__free_list(funnel_display_list, funnel_display_count);
    funnel_display_list = funnel__copy_list(display, displayCount);
    funnel_display_count = funnel_display_list ? displayCount : 0;
    funnel_display_width = displayWidth;
    rl_completion_display_matches_hook = funnel__display_hook;
    funnel_generator_list = (char **)matches;
    funnel_generator_count = count;
    char **result = rl_completion_matches(text, funnel__generator);
    funnel_generator_list = NULL;
    funnel_generator_count = 0;
    return result;
}

#endif
