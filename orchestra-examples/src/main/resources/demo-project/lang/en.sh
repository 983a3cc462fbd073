HELLO="Hello"
