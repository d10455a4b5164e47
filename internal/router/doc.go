// Package router is prenv's local mesh: one HTTP reverse proxy on
// 127.0.0.1 that sends each request to the right environment's service.
//
// Hosts name the environment and service: pr-7.localhost reaches pr-7's
// entry service, orders.pr-7.localhost its orders service. A routing key,
// carried as `x-prenv-route: pr-7` or W3C `baggage: prenv-route=pr-7`,
// picks pr-7's version of any service it runs, and the baseline's for the
// rest, which is how sandbox environments share the baseline. A PR
// group's route (grp-<name>) runs nothing itself: it lists its members,
// and its key picks each member's version of the services that member
// runs, the baseline's for the rest.
//
// Routes are JSON files, one per environment, in a directory the router
// polls, so environments come and go without a restart:
//
//	rt := router.New(router.Options{RoutesDir: dir})
//	go rt.Watch(ctx, time.Second)
//	http.ListenAndServe("127.0.0.1:7070", rt)
package router
