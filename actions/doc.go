// Package actions is prenv's GitHub Action: it reads the step's inputs and
// event as the Actions runner provides them, picks what to do from the
// event, and writes outputs, state, the step summary and annotations in the
// runner's file formats.
package actions
