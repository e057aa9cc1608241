/* test-text.c: text made safe to show (sim/text.c): which characters are hidden, their
 * visible escapes, and cutting long text by characters. Expected values are written out by
 * hand from text.h's contract. */
#include <string.h>

#include <glib.h>

#include "zdsim/text.h"

static void
test_escape(void)
{
  static const struct {
    const char *in;
    gboolean keep_lines;
    const char *out;
  } cases[] = {
    { "plain name", FALSE, "plain name" },
    { "esc\x1b[31mred", FALSE, "esc\\x1b[31mred" },               /* ANSI colour: C0 ESC */
    { "tab\tnl\n", FALSE, "tab\\x09nl\\x0a" },
    { "tab\tnl\n", TRUE, "tab\tnl\n" },
    { "del\x7f", FALSE, "del\\x7f" },
    { "csi\xc2\x9b" "2J", FALSE, "csi\\x9b" "2J" },                  /* C1 CSI, U+009B */
    { "a\xe2\x80\xae" "cba", FALSE, "a\\u202e" "cba" },              /* RLO, U+202E */
    { "\xe2\x80\xaa\xe2\x81\xa9", FALSE, "\\u202a\\u2069" },        /* LRE and PDI, the ends */
    { "\xe2\x80\xa9 \xe2\x81\xaa", FALSE, "\xe2\x80\xa9 \xe2\x81\xaa" }, /* U+2029, U+206A: not hidden */
    { "bad \xff", FALSE, "bad \xef\xbf\xbd" },                      /* U+FFFD */
    { "99.95 % ≥", FALSE, "99.95 % ≥" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *out = text_escape(cases[i].in, cases[i].keep_lines);
    g_assert_cmpstr(out, ==, cases[i].out);
  }
  g_autofree char *null_out = text_escape(NULL, FALSE);
  g_assert_cmpstr(null_out, ==, "");
  g_assert_true(text_is_hidden(0x00) && text_is_hidden(0x1f) && text_is_hidden(0x9f));
  g_assert_false(text_is_hidden(0x20) || text_is_hidden(0xa0) || text_is_hidden(0x2029));
}

static void
test_ellipsize(void)
{
  static const struct {
    const char *in;
    guint max;
    const char *out;
  } cases[] = {
    { "abcdef", 6, "abcdef" },     /* fits exactly */
    { "abcdefg", 6, "abcde…" },    /* 7 characters: 5 kept and the ellipsis make 6 */
    { "ééééééé", 4, "ééé…" },      /* characters, not bytes */
    { "", 2, "" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *out = text_ellipsize(cases[i].in, cases[i].max);
    g_assert_cmpstr(out, ==, cases[i].out);
  }
  /* A 1 MB name becomes 64 characters: 63 of it and the ellipsis. */
  g_autofree char *big = g_strnfill(1024 * 1024, 'x');
  g_autofree char *cell = text_for_cell(big, 64);
  g_assert_cmpuint(g_utf8_strlen(cell, -1), ==, 64);
  g_assert_true(g_str_has_suffix(cell, "…"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zdsim/text/escape", test_escape);
  g_test_add_func("/zdsim/text/ellipsize", test_ellipsize);
  return g_test_run();
}
