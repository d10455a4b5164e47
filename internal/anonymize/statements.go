package anonymize

import (
	"fmt"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// quietStatements are the statements that write no row values: schema
// changes, grants, comments, deletes, maintenance. Any statement not
// listed here and not analysed by the scope (DO blocks, functions,
// triggers, rules, procedures, dynamic SQL, and whatever a newer
// PostgreSQL adds) fails closed: every ruled column is anonymised.
var quietStatements = []string{
	"IndexStmt", "DropStmt", "CommentStmt", "GrantStmt", "GrantRoleStmt", "AlterDefaultPrivilegesStmt",
	"CreateSeqStmt", "AlterSeqStmt", "CreateSchemaStmt", "ViewStmt", "CreateExtensionStmt", "AlterExtensionStmt",
	"TransactionStmt", "VariableSetStmt", "VariableShowStmt", "TruncateStmt", "DeleteStmt",
	"CreateEnumStmt", "AlterEnumStmt", "CompositeTypeStmt", "CreateDomainStmt", "AlterDomainStmt", "CreateRangeStmt",
	"LockStmt", "VacuumStmt", "ClusterStmt", "ReindexStmt", "RefreshMatViewStmt", "AlterOwnerStmt",
	"CreatePolicyStmt", "AlterPolicyStmt", "CreateStatsStmt", "AlterStatsStmt", "DefineStmt", "CreateCastStmt",
	"CreateRoleStmt", "AlterRoleStmt", "DropRoleStmt", "DropOwnedStmt", "ReassignOwnedStmt", "CheckPointStmt", "DiscardStmt",
	"ConstraintsSetStmt", "SecLabelStmt", "CreateConversionStmt", "AlterCollationStmt", "AlterTypeStmt",
	"CreatePublicationStmt", "AlterPublicationStmt", "NotifyStmt", "ListenStmt", "UnlistenStmt", "AlterTableMoveAllStmt",
}

// writesNothing reports whether n is a statement that writes no rows.
func writesNothing(n *pg_query.Node) bool {
	return slices.Contains(quietStatements, statementType(n))
}

// statementType is the parse node's type: IndexStmt, DoStmt, ...
func statementType(n *pg_query.Node) string {
	t := fmt.Sprintf("%T", n.GetNode())
	return strings.TrimPrefix(t, "*pg_query.Node_")
}

// statementKind names a statement the scope does not attribute.
func statementKind(n *pg_query.Node) string {
	switch statementType(n) {
	case "DoStmt":
		return "a DO block"
	case "CreateFunctionStmt":
		return "a function"
	case "CreateTrigStmt":
		return "a trigger"
	case "RuleStmt":
		return "a rule"
	case "CallStmt":
		return "a procedure call"
	case "ExecuteStmt", "PrepareStmt":
		return "a prepared statement"
	}
	return "a statement prenv does not analyse (" + statementType(n) + ")"
}
