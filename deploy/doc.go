// Package deploy holds what an operator deploys anyhour with, and the
// tests that show it works: the HAProxy configuration (haproxy/), the
// systemd units (systemd/) and the container recipe (container/), each
// described in docs/deployment.md.
//
// The several-node test behind the build tag multinode starts two serve
// processes and a worker on PostgreSQL and an S3 server, behind HAProxy
// running haproxy/anyhour.cfg as it is, and kills a serve process in the
// middle of an upload:
//
//	ANYHOUR_TEST_POSTGRES=postgres://… go test -tags multinode -run TestSeveralNodes ./deploy
//
// scripts/test.sh runs it in its PostgreSQL pass.
package deploy
