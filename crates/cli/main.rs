fn main() {
    println!("carefind: the command-line interface is not built yet");
}
