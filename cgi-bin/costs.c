/*
 * costs - S-X2 measured costs: what a signed cookie, a server session and
 * a JWT cost this server per request, measured on demand, and whether the
 * measurements support the articles' claims (docs/SCENARIOS.md: article
 * A §3.4, cookies are faster than sessions; article C §6, JWT needs no
 * lookup). With SESSION_STORE=redis it also times the session lookup
 * in Redis (S-S10), and in node memory always.
 */
#include <stdio.h>

#include "lessons/costs.h"
#include "lessons/course.h"
#include "site/site.h"
#include "state/store.h"

/* GET /lab/costs: what will be measured, and the button. */
static enum err costs_form(struct ctx *c)
{
	enum err e;

	if ((e = site_session_ensure(c)) ||
	    (e = tmpl_set(&c->vars, "measured", "")) ||
	    (e = tmpl_set(&c->vars, "redis", c->db->kv ? "1" : "")))
		return e;
	site_page(c, "lab_costs", "costs.title");
	return ERR_OK;
}

/* Set var name to a microsecond figure with two decimals. */
static enum err set_us(struct ctx *c, const char *name, double us)
{
	return tmpl_setf(&c->vars, name, "%.2f", us);
}

/* POST /lab/costs: measure now and show the figures and verdicts. */
static enum err costs_run(struct ctx *c)
{
	struct cost_report r;
	char name[48];
	int op;
	enum err e;

	if ((e = costs_measure(c->db, &c->cfg->session, c->now, &r)))
		return e;
	course_tick(c, "costs");
	for (op = 0; op < COST_OPS; op++) {
		snprintf(name, sizeof(name), "us_%s", costs_op_name(op));
		if ((e = set_us(c, name, r.op[op].us_per_op)))
			return e;
		snprintf(name, sizeof(name), "ops_%s", costs_op_name(op));
		if ((e = tmpl_setf(&c->vars, name, "%ld", r.op[op].ops)))
			return e;
	}
	if ((e = set_us(c, "us_jwt_hs256_revocable",
			r.op[COST_JWT_HS256].us_per_op +
			r.op[COST_BLACKLIST].us_per_op)) ||
	    (e = tmpl_setf(&c->vars, "bytes_session", "%zu", r.bytes_session)) ||
	    (e = tmpl_setf(&c->vars, "bytes_signed", "%zu", r.bytes_signed)) ||
	    (e = tmpl_setf(&c->vars, "bytes_hs256", "%zu", r.bytes_hs256)) ||
	    (e = tmpl_setf(&c->vars, "bytes_rs256", "%zu", r.bytes_rs256)) ||
	    (e = tmpl_set(&c->vars, "claim1",
			  r.op[COST_SIGNED_COOKIE].us_per_op <
			  r.op[COST_SESSION_LOOKUP].us_per_op ?
			  "costs.claim1.yes" : "costs.claim1.no")) ||
	    (e = tmpl_set(&c->vars, "claim1_yes",
			  r.op[COST_SIGNED_COOKIE].us_per_op <
			  r.op[COST_SESSION_LOOKUP].us_per_op ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "claim2_yes",
			  r.op[COST_JWT_HS256].us_per_op <
			  r.op[COST_SESSION_LOOKUP].us_per_op ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "redis", c->db->kv ? "1" : "")) ||
	    (e = tmpl_set(&c->vars, "measured", "1")))
		return e;
	site_page(c, "lab_costs", "costs.title");
	return ERR_OK;
}

static const struct route routes[] = {
	{ HTTP_GET,  "/lab/costs", costs_form, 0,          NULL },
	{ HTTP_POST, "/lab/costs", costs_run,  ROUTE_CSRF, NULL },
};

int main(void)
{
	return site_run("costs", routes, sizeof(routes) / sizeof(routes[0]));
}
