// Package checkout reads what prenv needs from the git checkout that holds
// a blueprint: the commit, the origin's owner/name, and the files a PR
// changed against its base. It only reads; it never changes the checkout.
package checkout
