/*
 * props.h - the grading of lab 06's third program, props, the property
 * table measured (props.c here): the grader runs props with a COUNT and a
 * SIZE of its own choosing, runs the same experiment itself, and compares
 * what props printed with its own counts, cell by cell.  Each function
 * is the body of one test of the suite (tests/06-unix-datagram.c).
 */
#ifndef SOCKLAB_TESTS_PROPS_H
#define SOCKLAB_TESTS_PROPS_H

/* Every cell's counts follow COUNT and SIZE, as the grader measured. */
void props_counts_test(void);
/* Bytes arrived per cell, and the reliability row: a big run and a
 * small one. */
void props_reliability_test(void);
/* Reads per cell, and the boundaries row. */
void props_boundaries_test(void);
/* sendto() without a connection per cell, and the connection row. */
void props_connection_test(void);
/* Every row of the table, from the grader's counts and from props's. */
void props_table_test(void);

#endif
