/* text.h: text from a file or an old database made safe to show on a terminal or a page:
 * control characters and bidirectional overrides written as visible escapes, long text cut.
 * Not for HTML escaping (serve_html_escape()) or gnuplot strings (plot_escape()), which use
 * these first. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether @c would act on a terminal or a page instead of showing: a C0 control (U+0000 to
 * U+001F), DEL, a C1 control (U+0080 to U+009F), or a bidirectional embedding, override or
 * isolate (U+202A to U+202E, U+2066 to U+2069: the "Trojan Source" characters, which reorder
 * what follows them on display). */
gboolean text_is_hidden(gunichar c);

/* @text (NULL is taken as "") with invalid UTF-8 repaired (U+FFFD) and every character
 * text_is_hidden() names written as a visible escape: "\x1b" for a control below U+0100,
 * "\u202e" for the others. With @keep_lines, tab and newline stay as they are.
 * Returns: (transfer full). */
char *text_escape(const char *text, gboolean keep_lines);

/* @text cut to at most @max_chars characters (at least 2), the last one "…" when it was cut;
 * @text unchanged (copied) when it fits. Counts characters, not bytes; @text must be valid
 * UTF-8 (text_escape()'s result is). Returns: (transfer full). */
char *text_ellipsize(const char *text, guint max_chars);

/* text_escape(@text, FALSE) cut by text_ellipsize() to @max_chars: a name for one table cell.
 * Returns: (transfer full). */
char *text_for_cell(const char *text, guint max_chars);

G_END_DECLS
