/*
 * cookies - the home page and, later, the cookie lessons.
 *
 * Scenarios: the home page introduces S-H1 (HTTP keeps no state) and links
 * to every lesson that exists. Every path no other program claims ends
 * here and gets the site's 404 page.
 */
#include "site.h"

/* GET /: what the site is, and the lessons. */
static enum err home(struct ctx *c)
{
	site_page(c, "home", "home.title");
	return ERR_OK;
}

static const struct route routes[] = {
	{ HTTP_GET, "/", home, 0, NULL },
};

int main(void)
{
	return site_run("cookies", routes, sizeof(routes) / sizeof(routes[0]));
}
