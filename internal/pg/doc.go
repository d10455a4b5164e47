// Package pg administers the PostgreSQL behind the local target: it finds
// the server binaries, runs a cluster that prenv manages under a directory
// (started on first use, reused afterwards, run as the postgres user when
// prenv runs as root), and clones, creates and drops databases and roles.
// A stopped cluster can be copied whole in O(1) on a filesystem with
// reflinks (ThinCopy), and replaced by a rebuilt one in one step (Replace).
//
// Every identifier it puts in SQL comes from internal/naming and is quoted
// anyway; passwords travel as literals quoted by the driver's rules.
//
//	c := pg.Cluster{Dir: "/var/lib/prenv/postgres"}
//	url, err := c.Start(ctx)
//	admin, err := pg.Connect(ctx, url)
//	err = admin.Clone(ctx, "prenv_shop_golden", "prenv_shop_pr_7", "prenv_shop_pr_7", time.Minute)
//
//	golden := &pg.Cluster{Dir: "/var/lib/prenv/thin/shop/golden"} // stopped
//	pr7, err := golden.ThinCopy("/var/lib/prenv/thin/shop/pr-7")
//	url, err = pr7.Start(ctx)
package pg
