module github.com/hnn-project/hnn

go 1.26

require (
	go.yaml.in/yaml/v3 v3.0.4
	gonum.org/v1/gonum v0.16.0
)

require golang.org/x/tools v0.26.0 // indirect
