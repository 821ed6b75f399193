package printers

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clocktesting "k8s.io/utils/clock/testing"
)

// now is the fixed instant every test table is printed at.
var now = time.Date(2026, time.March, 14, 15, 9, 26, 0, time.UTC)

func ago(d time.Duration) metav1.Time { return metav1.NewTime(now.Add(-d)) }

func agoPtr(d time.Duration) *metav1.Time {
	t := ago(d)
	return &t
}

// convert prints obj through the convertor of gr at the fixed instant.
func convert(t *testing.T, gr schema.GroupResource, obj runtime.Object) *metav1.Table {
	t.Helper()
	table, err := New(gr, clocktesting.NewFakePassiveClock(now)).ConvertToTable(context.Background(), obj, &metav1.TableOptions{})
	if err != nil {
		t.Fatalf("ConvertToTable: %v", err)
	}
	return table
}

// cellsOf prints one object and returns its row's cells: all of them when
// wide, else only those of the columns kubectl shows without -o wide.
func cellsOf(t *testing.T, gr schema.GroupResource, obj runtime.Object, wide bool) []any {
	t.Helper()
	table := convert(t, gr, obj)
	if len(table.Rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(table.Rows))
	}
	row := table.Rows[0]
	if len(row.Cells) != len(table.ColumnDefinitions) {
		t.Fatalf("got %d cells for %d columns", len(row.Cells), len(table.ColumnDefinitions))
	}
	if row.Object.Object != obj {
		t.Errorf("row object is %v, want the printed object", row.Object.Object)
	}
	if wide {
		return row.Cells
	}
	var narrow []any
	for i, c := range table.ColumnDefinitions {
		if c.Priority == 0 {
			narrow = append(narrow, row.Cells[i])
		}
	}
	return narrow
}

// cellCase is one object and the cells a v1.37 kube-apiserver prints for it.
type cellCase struct {
	name string
	obj  runtime.Object
	wide bool
	want []any
}

func runCellCases(t *testing.T, gr schema.GroupResource, cases []cellCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, cellsOf(t, gr, tc.obj, tc.wide)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
