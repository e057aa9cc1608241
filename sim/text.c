/* text.c: text made safe to show (text.h): visible escapes for controls and bidirectional
 * overrides, and cutting long text. Not for markup or gnuplot escaping (serve_html.c,
 * plot.c). */
#include "zdsim/text.h"

#include <string.h>

gboolean
text_is_hidden(gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
         (c >= 0x2066 && c <= 0x2069);
}

char *
text_escape(const char *text, gboolean keep_lines)
{
  g_autofree char *valid = g_utf8_make_valid(text != NULL ? text : "", -1);
  GString *out = g_string_sized_new(strlen(valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (!text_is_hidden(c) || (keep_lines && (c == '\t' || c == '\n')))
      g_string_append_len(out, p, g_utf8_next_char(p) - p);
    else if (c < 0x100)
      g_string_append_printf(out, "\\x%02x", c);
    else
      g_string_append_printf(out, "\\u%04x", c);
  }
  return g_string_free(out, FALSE);
}

char *
text_ellipsize(const char *text, guint max_chars)
{
  g_assert(max_chars >= 2);
  /* Only the first max_chars + 1 characters are looked at, so a megabyte costs no more. */
  const char *p = text;
  guint n = 0;
  while (*p != '\0' && n < max_chars) {
    p = g_utf8_next_char(p);
    n++;
  }
  if (*p == '\0')
    return g_strdup(text);
  const char *cut = g_utf8_prev_char(p);
  g_autofree char *head = g_strndup(text, (gsize) (cut - text));
  return g_strconcat(head, "…", NULL);
}

char *
text_for_cell(const char *text, guint max_chars)
{
  g_autofree char *escaped = text_escape(text, FALSE);
  return text_ellipsize(escaped, max_chars);
}
