// expect: compile
package main

import "fmt"

func Main() {
	fmt.Println("forgot that Go starts at main")
}
