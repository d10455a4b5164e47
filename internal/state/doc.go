// Package state reads and tidies the state pulumi's diy backend keeps in
// a bucket, the same way on every backend: file://, s3:// (AWS, or MinIO,
// Ceph, R2 through endpoint= and s3ForcePathStyle=true), gs:// and
// azblob://, through gocloud's blob drivers, the library pulumi itself
// uses. It reads the project layout, .pulumi/stacks/<project>/<stack>.json
// (or .json.gz, .json.zst) and .pulumi/locks/organization/<project>/<stack>/*.json,
// without running the pulumi CLI: listing a project costs two listings and
// one read per stack. It never decides whether a lock is stale; it reports
// who holds each one, and removes the one it is told to.
//
// Beside pulumi's files it keeps prenv's own: under .prenv/runs/<project>/<stack>/,
// one RunRecord per running operation (user, host, pid, start and GitHub
// Actions run), which traces a lock pulumi wrote to the run that took it.
// Under .prenv/events/<project>/<yyyy-mm-dd>/ it keeps the EventLog, one
// object per operation, on the backends of both engines alike; a reader
// of the last N days lists only those days' directories.
//
// OpenTerraform reads the Terraform engine's state the same way on file://
// (Terraform's local backend) and s3:// (its s3 backend): each workspace
// in terraform/<project>/<workspace>/terraform.tfstate, beside the s3
// backend's lock file (terraform.tfstate.tflock) and the state a failed
// run could not save (errored.tfstate). ParseS3 reads an s3:// URL's
// bucket and parameters for Terraform's backend configuration.
//
//	b, err := state.Open(ctx, "s3://team-state?region=eu-west-1")
//	if err != nil {
//		return err
//	}
//	defer b.Close()
//	stacks, err := b.Stacks(ctx, "shop")
//	for _, s := range stacks {
//		fmt.Println(s.Name, s.CreatedAt, s.ExpiresAt, len(s.Locks))
//	}
package state
